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

    /// Computed, not a stored global: reading a global `let` checks its lazy
    /// initialization every time (the decoder resets two addresses per packet).
    @inlinable
    public static var zero: IPAddress { IPAddress(high: 0, low: 0) }

    /// Sets and dictionaries of addresses (DNS names, edges, findings) hash per flow:
    /// `WordHash` instead of `Hasher` (consistent with `==` like the synthesized `hash(into:)`).
    @inlinable
    public func _rawHashValue(seed: Int) -> Int { WordHash.finish(WordHash.combine(high, low), seed: seed) }
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
        var copy = String(text)
        guard let a = copy.withUTF8({ IPAddress(ascii: UnsafeRawBufferPointer($0)) }) else { return nil }
        self = a
    }

    /// Parses address text given as ASCII bytes, without allocating.
    public init?(ascii b: UnsafeRawBufferPointer) {
        if let v4 = IPAddress.parseV4(b, 0, b.count) {
            self.init(v4: v4)
            return
        }
        guard let (h, l) = IPAddress.parseV6(b) else { return nil }
        self.init(high: h, low: l)
    }

    static func parseV4(_ b: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> UInt32? {
        var value: UInt32 = 0, part: UInt32 = 0, digits = 0, dots = 0
        var i = from
        while i < to {
            let c = b[i]
            if c >= 0x30, c <= 0x39 {
                guard digits < 3 else { return nil }
                part = part * 10 + UInt32(c - 0x30)
                digits += 1
            } else if c == 0x2E {
                guard digits > 0, part <= 255, dots < 3 else { return nil }
                value = value << 8 | part
                part = 0; digits = 0; dots += 1
            } else {
                return nil
            }
            i += 1
        }
        guard dots == 3, digits > 0, part <= 255 else { return nil }
        return value << 8 | part
    }

    static func hex(_ c: UInt8) -> UInt16? {
        switch c {
        case 0x30 ... 0x39: return UInt16(c - 0x30)
        case 0x61 ... 0x66: return UInt16(c - 0x57)
        case 0x41 ... 0x46: return UInt16(c - 0x37)
        default: return nil
        }
    }

    static func parseV6(_ b: UnsafeRawBufferPointer) -> (UInt64, UInt64)? {
        var groups: (UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16, UInt16) = (0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &groups) { raw -> (UInt64, UInt64)? in
            let g = raw.bindMemory(to: UInt16.self)
            var count = 0          // groups written
            var gap = -1           // where "::" stood (index in groups)
            var i = 0
            let n = b.count
            guard n >= 2 else { return nil }
            if b[0] == 0x3A {
                guard b[1] == 0x3A else { return nil }
                gap = 0
                i = 2
                if i == n { return (0, 0) }
            }
            while i < n {
                // One group: up to 4 hex digits, or an IPv4 tail.
                var j = i, v: UInt16 = 0
                while j < n, j - i < 5, let h = hex(b[j]) { v = v << 4 | h; j += 1 }
                if j < n, b[j] == 0x2E {
                    guard count <= 6, let v4 = parseV4(b, i, n) else { return nil }
                    g[count] = UInt16(v4 >> 16); g[count + 1] = UInt16(v4 & 0xFFFF)
                    count += 2
                    i = n
                    break
                }
                guard j > i, j - i <= 4, count < 8 else { return nil }
                g[count] = v
                count += 1
                if j == n { i = j; break }
                guard b[j] == 0x3A, j + 1 < n else { return nil }
                if b[j + 1] == 0x3A {
                    guard gap < 0 else { return nil }
                    gap = count
                    i = j + 2
                    if i == n { break }
                } else {
                    i = j + 1
                }
            }
            if gap >= 0 {
                guard count < 8 else { return nil }
                let tail = count - gap
                for k in 0 ..< tail { g[7 - k] = g[count - 1 - k] }
                for k in gap ..< 8 - tail { g[k] = 0 }
            } else {
                guard count == 8 else { return nil }
            }
            var h: UInt64 = 0, l: UInt64 = 0
            for k in 0 ..< 4 { h = h << 16 | UInt64(g[k]) }
            for k in 4 ..< 8 { l = l << 16 | UInt64(g[k]) }
            return (h, l)
        }
    }
}

/// Addresses are written as text in saved results (partial reports), as people read them.
extension IPAddress: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let a = IPAddress(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an IP address: \(text)")
        }
        self = a
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
