import WireBytes

/// Addresses that never leave the country: private, shared (CGNAT), loopback,
/// link-local, multicast, documentation, benchmarking and other IANA special-purpose
/// ranges (IANA IPv4 and IPv6 Special-Purpose Address Registries), IPv4 and IPv6.
public enum SpecialAddresses {
    static let v4: [(UInt32, Int)] = [
        (0x0000_0000, 8),    // 0.0.0.0/8 "this network"
        (0x0A00_0000, 8),    // 10/8 private
        (0x6440_0000, 10),   // 100.64/10 shared address space (CGNAT)
        (0x7F00_0000, 8),    // 127/8 loopback
        (0xA9FE_0000, 16),   // 169.254/16 link-local
        (0xAC10_0000, 12),   // 172.16/12 private
        (0xC000_0000, 24),   // 192.0.0/24 IETF protocol assignments
        (0xC000_0200, 24),   // 192.0.2/24 TEST-NET-1
        (0xC058_6300, 24),   // 192.88.99/24 6to4 relay anycast (deprecated)
        (0xC0A8_0000, 16),   // 192.168/16 private
        (0xC612_0000, 15),   // 198.18/15 benchmarking
        (0xC633_6400, 24),   // 198.51.100/24 TEST-NET-2
        (0xCB00_7100, 24),   // 203.0.113/24 TEST-NET-3
        (0xE000_0000, 4),    // 224/4 multicast
        (0xF000_0000, 4),    // 240/4 reserved, and 255.255.255.255 broadcast
    ]

    static let v6: [(UInt64, UInt64, Int)] = [
        (0, 0, 128),                                      // ::/128 unspecified
        (0, 1, 128),                                      // ::1/128 loopback
        (0x0064_FF9B_0001_0000, 0, 48),                   // 64:ff9b:1::/48 local-use translation
        (0x0100_0000_0000_0000, 0, 64),                   // 100::/64 discard-only
        (0x2001_0000_0000_0000, 0, 23),                   // 2001::/23 IETF protocol assignments
        (0x2001_0DB8_0000_0000, 0, 32),                   // 2001:db8::/32 documentation
        (0x3FFF_0000_0000_0000, 0, 20),                   // 3fff::/20 documentation
        (0x5F00_0000_0000_0000, 0, 16),                   // 5f00::/16 SRv6 SIDs
        (0xFC00_0000_0000_0000, 0, 7),                    // fc00::/7 unique local
        (0xFE80_0000_0000_0000, 0, 10),                   // fe80::/10 link-local
        (0xFF00_0000_0000_0000, 0, 8),                    // ff00::/8 multicast
    ]

    public static func isSpecial(_ a: IPAddress) -> Bool {
        if a.isIPv4 { return isSpecialV4(a.v4) }
        // NAT64 (64:ff9b::/96): the embedded IPv4 address decides.
        if a.high == 0x0064_FF9B_0000_0000, a.low >> 32 == 0 { return isSpecialV4(UInt32(truncatingIfNeeded: a.low)) }
        for (h, l, n) in v6 {
            if n <= 64 {
                let mask: UInt64 = n == 0 ? 0 : ~(UInt64.max >> UInt64(n))
                if a.high & mask == h { return true }
            } else {
                let mask: UInt64 = n == 128 ? UInt64.max : ~(UInt64.max >> UInt64(n - 64))
                if a.high == h, a.low & mask == l { return true }
            }
        }
        return false
    }

    /// Bit n of word n / 64: some special range starts with the first octet n (most
    /// addresses are ruled out by it, without walking the list).
    static let v4FirstOctets: [UInt64] = {
        var words = [UInt64](repeating: 0, count: 4)
        for (net, n) in v4 {
            let first = Int(net >> 24), span = n >= 8 ? 1 : 1 << (8 - n)
            for o in first ..< first + span { words[o >> 6] |= 1 << UInt64(o & 63) }
        }
        return words
    }()

    static func isSpecialV4(_ v: UInt32) -> Bool {
        let first = Int(v >> 24)
        if v4FirstOctets[first >> 6] & (1 << UInt64(first & 63)) == 0 { return false }
        for (net, n) in v4 where v & ~(UInt32.max >> UInt32(n)) == net { return true }
        return false
    }
}
