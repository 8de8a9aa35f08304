/// Writes small MaxMind DB files (IPv4 search tree, 24-bit records) whose records are
/// flat maps of strings and unsigned integers: test databases made from known bytes.
public struct MMDBWriter {
    public enum Value { case string(String), uint(UInt32) }

    private var prefixes: [(address: UInt32, length: Int, record: [(String, Value)])] = []
    public var databaseType = "Test-ASN"

    public init() {}

    /// `cidr`: e.g. "52.28.0.0/16".
    public mutating func add(_ cidr: String, _ record: [(String, Value)]) {
        let parts = cidr.split(separator: "/")
        let octets = parts[0].split(separator: ".").map { UInt32($0)! }
        prefixes.append((octets.reduce(0) { $0 << 8 | $1 }, Int(parts[1])!, record))
    }

    public func bytes() -> [UInt8] {
        // The tree: nodes of two records; -1 empty, -2 - i data record i.
        var nodes: [[Int]] = [[-1, -1]]
        for (i, p) in prefixes.enumerated() {
            var node = 0
            for depth in 0 ..< p.length {
                let bit = Int(p.address >> UInt32(31 - depth)) & 1
                if depth == p.length - 1 { nodes[node][bit] = -2 - i; break }
                if nodes[node][bit] < 0 { nodes.append([-1, -1]); nodes[node][bit] = nodes.count - 1 }
                node = nodes[node][bit]
            }
        }
        var data: [UInt8] = [], offsets: [Int] = []
        for p in prefixes { offsets.append(data.count); data += MMDBWriter.map(p.record) }
        let count = nodes.count
        var out: [UInt8] = []
        for n in nodes {
            for r in n {
                let v = r == -1 ? count : r >= 0 ? r : count + 16 + offsets[-2 - r]
                out += [UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
            }
        }
        out += [UInt8](repeating: 0, count: 16) + data
        out += [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
        out += MMDBWriter.map([("node_count", .uint(UInt32(count))), ("record_size", .uint(24)), ("ip_version", .uint(4)),
                               ("database_type", .string(databaseType)), ("build_epoch", .uint(1_767_225_600))])
        return out
    }

    static func map(_ pairs: [(String, Value)]) -> [UInt8] {
        var out: [UInt8] = [0xE0 | UInt8(pairs.count)]
        for (k, v) in pairs {
            out += string(k)
            switch v {
            case .string(let s): out += string(s)
            case .uint(let n):
                var b: [UInt8] = []
                var x = n
                while x > 0 { b.insert(UInt8(x & 0xFF), at: 0); x >>= 8 }
                out += [0xC0 | UInt8(b.count)] + b
            }
        }
        return out
    }

    static func string(_ s: String) -> [UInt8] {
        let u = Array(s.utf8)
        precondition(u.count < 29 + 256, "strings up to 284 bytes")
        // Sizes from 29 take one more byte: 29 plus its value.
        return (u.count < 29 ? [0x40 | UInt8(u.count)] : [0x40 | 29, UInt8(u.count - 29)]) + u
    }
}
