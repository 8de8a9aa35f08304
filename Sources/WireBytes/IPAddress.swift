/// An IPv4 or IPv6 address in 16 bytes; IPv4 is held as IPv4-mapped IPv6 (`::ffff:a.b.c.d`)
/// so that one type, one hash and one comparison serve both families.
public struct IPAddress: Hashable, Comparable, Sendable {
    public var high: UInt64
    public var low: UInt64

    @inlinable
    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    @inlinable
    public init(v4: UInt32) {
        high = 0
        low = 0x0000_FFFF_0000_0000 | UInt64(v4)
    }

    /// Reads 4 (IPv4) bytes at `offset`; the caller has checked the range.
    @inlinable @inline(__always)
    public init(v4At offset: Int, in bytes: UnsafeRawBufferPointer) {
        self.init(v4: bytes.u32be(offset))
    }

    /// Reads 16 (IPv6) bytes at `offset`; the caller has checked the range.
    @inlinable @inline(__always)
    public init(v6At offset: Int, in bytes: UnsafeRawBufferPointer) {
        high = bytes.u64be(offset)
        low = bytes.u64be(offset + 8)
    }

    @inlinable
    public var isIPv4: Bool { high == 0 && (low >> 32) == 0xFFFF }

    @inlinable
    public var v4: UInt32 { UInt32(truncatingIfNeeded: low) }

    @inlinable
    public static func < (a: IPAddress, b: IPAddress) -> Bool {
        a.high != b.high ? a.high < b.high : a.low < b.low
    }

    public static let zero = IPAddress(high: 0, low: 0)
}

extension IPAddress: CustomStringConvertible {
    public var description: String {
        if isIPv4 {
            let a = v4
            return "\(a >> 24).\((a >> 16) & 0xFF).\((a >> 8) & 0xFF).\(a & 0xFF)"
        }
        var groups = [UInt16](repeating: 0, count: 8)
        for i in 0 ..< 4 {
            groups[i] = UInt16(truncatingIfNeeded: high >> (48 - 16 * UInt64(i)))
            groups[4 + i] = UInt16(truncatingIfNeeded: low >> (48 - 16 * UInt64(i)))
        }
        // RFC 5952: compress the longest run (length >= 2) of zero groups, the first on ties.
        var bestStart = -1, bestLen = 0, i = 0
        while i < 8 {
            if groups[i] == 0 {
                var j = i
                while j < 8, groups[j] == 0 { j += 1 }
                if j - i > bestLen, j - i >= 2 { bestStart = i; bestLen = j - i }
                i = j
            } else { i += 1 }
        }
        var out = ""
        var k = 0
        while k < 8 {
            if k == bestStart {
                out += "::"
                k += bestLen
                continue
            }
            if !out.isEmpty, !out.hasSuffix(":") { out += ":" }
            out += String(groups[k], radix: 16)
            k += 1
        }
        return out
    }
}

extension IPAddress {
    /// Parses dotted IPv4 or RFC 4291 IPv6 text (with `::` and an embedded IPv4 tail).
    public init?(_ text: some StringProtocol) {
        if let v4 = IPAddress.parseV4(text) {
            self.init(v4: v4)
            return
        }
        guard let (h, l) = IPAddress.parseV6(text) else { return nil }
        self.init(high: h, low: l)
    }

    static func parseV4(_ text: some StringProtocol) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 3, let n = UInt32(part), n <= 255 else { return nil }
            value = value << 8 | n
            parts += 1
        }
        return parts == 4 ? value : nil
    }

    static func parseV6(_ text: some StringProtocol) -> (UInt64, UInt64)? {
        guard text.contains(":") else { return nil }
        let chars = Array(String(text))
        var pieces: [String] = []
        var current = "", i = 0
        while i < chars.count {
            if chars[i] == ":", i + 1 < chars.count, chars[i + 1] == ":" {
                pieces.append(current); current = ""; i += 2
            } else { current.append(chars[i]); i += 1 }
        }
        pieces.append(current)
        guard pieces.count <= 2 else { return nil }
        func groups(_ s: String) -> [UInt16]? {
            if s.isEmpty { return [] }
            var out: [UInt16] = []
            let fields = s.split(separator: ":", omittingEmptySubsequences: false)
            for (i, f) in fields.enumerated() {
                if i == fields.count - 1, f.contains(".") {
                    guard let v4 = parseV4(f) else { return nil }
                    out.append(UInt16(v4 >> 16)); out.append(UInt16(v4 & 0xFFFF))
                } else {
                    guard !f.isEmpty, f.count <= 4, let g = UInt16(f, radix: 16) else { return nil }
                    out.append(g)
                }
            }
            return out
        }
        var all: [UInt16]
        if pieces.count == 2 {
            guard let a = groups(pieces[0]), let b = groups(pieces[1]), a.count + b.count <= 7 else { return nil }
            all = a + Array(repeating: 0, count: 8 - a.count - b.count) + b
        } else {
            guard let a = groups(pieces[0]), a.count == 8 else { return nil }
            all = a
        }
        var h: UInt64 = 0, l: UInt64 = 0
        for i in 0 ..< 4 { h = h << 16 | UInt64(all[i]) }
        for i in 4 ..< 8 { l = l << 16 | UInt64(all[i]) }
        return (h, l)
    }
}
