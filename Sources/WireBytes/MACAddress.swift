/// A 48-bit Ethernet address held in the low bits of a `UInt64` (0: none).
public enum MACAddress {
    /// `aa:bb:cc:dd:ee:ff`, lower-case as tshark and ip(8) print it.
    public static func text(_ mac: UInt64) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(17)
        for i in stride(from: 40, through: 0, by: -8) {
            let b = Int(mac >> UInt64(i) & 0xFF)
            if i != 40 { out.append(0x3A) }
            out += [hex[b >> 4], hex[b & 15]]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `aa:bb:cc:dd:ee:ff` or `aa-bb-...` back to the value; nil for other text.
    public static func parse(_ s: String) -> UInt64? {
        let parts = s.split(whereSeparator: { $0 == ":" || $0 == "-" })
        guard parts.count == 6 else { return nil }
        var v: UInt64 = 0
        for p in parts {
            guard p.count == 2, let b = UInt8(p, radix: 16) else { return nil }
            v = v << 8 | UInt64(b)
        }
        return v
    }
}
