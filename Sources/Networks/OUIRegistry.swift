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
    public private(set) var count = 0

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Lines `PREFIX<TAB>SHORT[<TAB>NAME][ # comment]`; PREFIX `aa:bb:cc`, or a full
    /// address with `/28` or `/36`. Lines that do not parse are skipped.
    public init(text: String, path: String) {
        self.path = path
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count >= 2 else { continue }
            var prefix = Substring(fields[0]), length = 24
            if let slash = prefix.firstIndex(of: "/") {
                guard let l = Int(prefix[prefix.index(after: slash)...]), l == 28 || l == 36 else { continue }
                length = l
                prefix = prefix[..<slash]
            }
            let octets = prefix.split(separator: ":")
            guard octets.count == (length == 24 ? 3 : 6) else { continue }
            var v: UInt64 = 0
            var ok = true
            for o in octets {
                guard o.count == 2, let b = UInt8(o, radix: 16) else { ok = false; break }
                v = v << 8 | UInt64(b)
            }
            guard ok else { continue }
            if length == 24 { v <<= 24 }
            let key = v >> UInt64(48 - length)
            let short = String(fields[1]).trimmingCharacters(in: " ")
            var name = fields.count > 2 ? String(fields[2]) : short
            if let hash = name.firstIndex(of: "#") { name = String(name[..<hash]) }
            name = name.trimmingCharacters(in: " ")
            blocks[length]![key] = Vendor(short: short, name: name.isEmpty ? short : name)
            count += 1
        }
    }

    /// The default file, or nil with why not.
    public static func loadDefault() -> Result<OUIRegistry, LoadError> {
        load(path: defaultPath)
    }

    public static func load(path: String) -> Result<OUIRegistry, LoadError> {
        guard let file = try? MappedFile(path: path) else { return .failure(LoadError(description: "\(path): cannot be read")) }
        let text = withExtendedLifetime(file) { String(decoding: file.bytes, as: UTF8.self) }
        let r = OUIRegistry(text: text, path: path)
        return r.count > 0 ? .success(r) : .failure(LoadError(description: "\(path): no OUI entries"))
    }

    /// The most specific block holding the address.
    public func vendor(of mac: UInt64) -> Vendor? {
        for length in [36, 28, 24] {
            if let v = blocks[length]![mac >> UInt64(48 - length)] { return v }
        }
        return nil
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set || s.first == "\t" { s = s.dropFirst() }
        while s.last == set || s.last == "\t" || s.last == "\r" { s = s.dropLast() }
        return String(s)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring { Substring(String(self).trimmingCharacters(in: set)) }
}
