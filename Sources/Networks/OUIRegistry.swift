import WireBytes

/// Who made a device, from its Ethernet address: the IEEE registry as Wireshark ships it
/// (`manuf`, Debian's `wireshark-common`): 24-bit OUIs and the 28- and 36-bit blocks
/// (MA-M, MA-S), each with Wireshark's short name and the organisation's name, so a
/// vendor here reads as tshark resolves `eth.src`.
public struct OUIRegistry: Sendable {
    public static let defaultPath = "/usr/share/wireshark/manuf"

    public struct Vendor: Sendable, Equatable {
        public var short: String
        public var name: String

        public init(short: String, name: String) {
            self.short = short
            self.name = name
        }
    }

    /// By prefix length (24, 28, 36): the prefix's bits, left-aligned in 48, to its vendor.
    private var blocks: [Int: [UInt64: Vendor]] = [24: [:], 28: [:], 36: [:]]
    public let path: String
    /// Entries kept, and lines that were entries (kept or not).
    public private(set) var count = 0
    public private(set) var lines = 0

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Lines `PREFIX<TAB>SHORT[<TAB>NAME][ # comment]`; PREFIX `aa:bb:cc`, or a full
    /// address with `/28` or `/36`. Lines that do not parse are skipped. With `wanted`,
    /// only the blocks holding one of those addresses are kept: the file has some 50,000
    /// lines and a report needs a few, so lines are read as bytes and only those kept
    /// become strings.
    public init(bytes b: UnsafeRawBufferPointer, path: String, wanted: Set<UInt64>? = nil) {
        self.path = path
        let w24 = wanted.map { Set($0.map { $0 >> 24 }) }, w28 = wanted.map { Set($0.map { $0 >> 20 }) }
        let w36 = wanted.map { Set($0.map { $0 >> 12 }) }
        func hex(_ c: UInt8) -> UInt64? {
            switch c {
            case 0x30 ... 0x39: return UInt64(c - 0x30)
            case 0x41 ... 0x46: return UInt64(c - 0x37)
            case 0x61 ... 0x66: return UInt64(c - 0x57)
            default: return nil
            }
        }
        func text(_ from: Int, _ to: Int) -> String {
            var s = from, e = to
            while s < e, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
            while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 || b[e - 1] == 0x0D { e -= 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: b[s ..< e]), as: UTF8.self)
        }
        var i = 0
        while i < b.count {
            var end = i
            while end < b.count, b[end] != 0x0A { end += 1 }
            defer { i = end + 1 }
            // PREFIX: hex octets separated by ':' (or '-'), then an optional /28 or /36.
            var p = i, v: UInt64 = 0, octets = 0
            while p + 1 < end, let h = hex(b[p]), let l = hex(b[p + 1]) {
                v = v << 8 | h << 4 | l
                octets += 1
                p += 2
                if p < end, b[p] == 0x3A || b[p] == 0x2D { p += 1 } else { break }
            }
            var length = 24
            if p + 2 < end, b[p] == 0x2F {
                if b[p + 1] == 0x32, b[p + 2] == 0x38 { length = 28 } else if b[p + 1] == 0x33, b[p + 2] == 0x36 { length = 36 } else { continue }
                p += 3
            }
            guard octets == (length == 24 ? 3 : 6), p < end, b[p] == 0x09 else { continue }
            if length == 24 { v <<= 24 }
            let key = v >> UInt64(48 - length)
            lines += 1
            switch length {
            case 24: if let w24, !w24.contains(key) { continue }
            case 28: if let w28, !w28.contains(key) { continue }
            default: if let w36, !w36.contains(key) { continue }
            }
            // SHORT, then NAME up to a '#'.
            let shortStart = p + 1
            var q = shortStart
            while q < end, b[q] != 0x09, b[q] != 0x23 { q += 1 }
            let short = text(shortStart, q)
            var name = short
            if q < end, b[q] == 0x09 {
                var r = q + 1
                while r < end, b[r] != 0x23 { r += 1 }
                let n = text(q + 1, r)
                if !n.isEmpty { name = n }
            }
            guard !short.isEmpty else { continue }
            blocks[length]![key] = Vendor(short: short, name: name)
            count += 1
        }
    }

    public init(text: String, path: String, wanted: Set<UInt64>? = nil) {
        var t = text
        var made: OUIRegistry?
        t.withUTF8 { made = OUIRegistry(bytes: UnsafeRawBufferPointer($0), path: path, wanted: wanted) }
        self = made!
    }

    /// The default file, or nil with why not.
    public static func loadDefault(wanted: Set<UInt64>? = nil) -> Result<OUIRegistry, LoadError> {
        load(path: defaultPath, wanted: wanted)
    }

    /// The file at `path`; an error when it cannot be read or holds no entry at all.
    public static func load(path: String, wanted: Set<UInt64>? = nil) -> Result<OUIRegistry, LoadError> {
        guard let file = try? MappedFile(path: path) else { return .failure(LoadError(description: "\(path): cannot be read")) }
        let r = withExtendedLifetime(file) { OUIRegistry(bytes: file.bytes, path: path, wanted: wanted) }
        return r.lines > 0 ? .success(r) : .failure(LoadError(description: "\(path): no OUI entries"))
    }

    /// The most specific block holding the address.
    public func vendor(of mac: UInt64) -> Vendor? {
        for length in [36, 28, 24] {
            if let v = blocks[length]![mac >> UInt64(48 - length)] { return v }
        }
        return nil
    }
}
