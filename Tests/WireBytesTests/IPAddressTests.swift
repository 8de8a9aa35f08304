import Testing
import WireBytes

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("192.0.2.1", "192.0.2.1"), ("0.0.0.0", "0.0.0.0"), ("255.255.255.255", "255.255.255.255"),
        ("2001:db8::1", "2001:db8::1"), ("::", "::"), ("::1", "::1"), ("2001:DB8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("fe80::1:2:3:4", "fe80::1:2:3:4"), ("64:ff9b::192.0.2.33", "64:ff9b::c000:221"), ("1:0:0:0:0:0:0:8", "1::8"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
    ])
    func parsesAndPrints(_ text: String, _ canonical: String) {
        #expect(IPAddress(text)?.description == canonical)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1::2::3", "12345::", "g::1", "1.2.3.-4", ":::", "1:2:3:4:5:6:7:8:9"])
    func rejects(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func ipv4IsMapped() {
        let a = IPAddress(v4: 0xC000_0201)
        #expect(a.isIPv4 && a.v4 == 0xC000_0201)
        #expect(IPAddress("::ffff:192.0.2.1") == a)
        #expect(IPAddress("2001:db8::1")?.isIPv4 == false)
    }

    @Test func byteReadsHonourOrder() throws {
        let bytes: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]
        try bytes.withUnsafeBytes { b in
            #expect(b.u16be(0) == 0x0102 && b.u16le(0) == 0x0201)
            #expect(b.u32be(1) == 0x0203_0405 && b.u32le(1) == 0x0504_0302)
            #expect(b.u64be(0) == 0x0102_0304_0506_0708)
            #expect(b.hasBytes("\u{3}\u{4}", at: 2) && !b.hasBytes("\u{3}\u{4}", at: 7))
            try b.ensure(8, at: 0, layer: .file)
            #expect(throws: WireError.truncated(.file, needed: 4, available: 2, at: 6)) { try b.ensure(4, at: 6, layer: .file) }
            #expect(throws: WireError.self) { try b.ensure(1, at: 9, layer: .file) }
        }
    }
}
