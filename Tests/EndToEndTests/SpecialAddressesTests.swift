@testable import Policy
import Testing
import WireBytes

@Suite struct SpecialAddressesTests {
    /// The first-octet filter only rules out what the range list would: every first
    /// octet, at its range starts and at random addresses, against a plain walk.
    @Test func firstOctetFilterAgreesWithTheRanges() {
        func walk(_ v: UInt32) -> Bool {
            SpecialAddresses.v4.contains { net, n in v & ~(UInt32.max >> UInt32(n)) == net }
        }
        var rng = SystemRandomNumberGenerator()
        for first in UInt32(0) ... 255 {
            var probes: [UInt32] = [first << 24, first << 24 | 0x00FF_FFFF]
            for _ in 0 ..< 64 { probes.append(first << 24 | UInt32.random(in: 0 ... 0x00FF_FFFF, using: &rng)) }
            for v in probes { #expect(SpecialAddresses.isSpecialV4(v) == walk(v), "\(IPAddress(v4: v))") }
        }
        for (net, _) in SpecialAddresses.v4 { #expect(SpecialAddresses.isSpecialV4(net)) }
    }

    @Test func knownAddresses() {
        for s in ["10.1.2.3", "172.31.255.1", "192.168.0.1", "100.100.1.1", "127.0.0.1", "169.254.9.9", "198.19.0.1",
                  "203.0.113.7", "224.0.0.251", "255.255.255.255", "0.0.0.0", "::1", "fe80::1", "fd00::5", "ff02::fb",
                  "64:ff9b::a00:1"] {
            #expect(SpecialAddresses.isSpecial(IPAddress(s)!), "\(s)")
        }
        for s in ["8.8.8.8", "18.196.10.20", "172.32.0.1", "100.128.0.1", "192.169.0.1", "203.0.114.1", "223.255.255.255",
                  "2a05:d014::10", "64:ff9b::808:808"] {
            #expect(!SpecialAddresses.isSpecial(IPAddress(s)!), "\(s)")
        }
    }
}
