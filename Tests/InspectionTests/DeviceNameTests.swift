import Inspection
import Testing
import WireBytes

/// Names devices give themselves: DHCP host names and NetBIOS registrations, from bytes
/// made here, and every cut of them parses or fails without a crash.
@Suite struct DeviceNameTests {
    /// A BOOTREQUEST from 02:00:00:00:00:07 with the given options.
    static func dhcp(op: UInt8 = 1, ciaddr: [UInt8] = [0, 0, 0, 0], yiaddr: [UInt8] = [0, 0, 0, 0], options: [UInt8]) -> [UInt8] {
        var b: [UInt8] = [op, 1, 6, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0] + ciaddr + yiaddr + [0, 0, 0, 0, 0, 0, 0, 0]
        b += [2, 0, 0, 0, 0, 7] + [UInt8](repeating: 0, count: 10) + [UInt8](repeating: 0, count: 192)
        return b + [0x63, 0x82, 0x53, 0x63] + options + [255]
    }

    static func parse<T>(_ bytes: [UInt8], _ f: (UnsafeRawBufferPointer) -> T) -> T { bytes.withUnsafeBytes(f) }

    @Test func dhcpHostName() {
        let request = Self.dhcp(options: [53, 1, 3, 50, 4, 10, 0, 1, 7, 12, 6] + Array("plc-07".utf8))
        #expect(Self.parse(request, DeviceNames.dhcp) == .init(address: IPAddress("10.0.1.7")!, name: "plc-07"))
        // An ACK names the address it gives (yiaddr); the FQDN option when there is no host name.
        let ack = Self.dhcp(op: 2, yiaddr: [10, 0, 1, 8], options: [53, 1, 5, 81, 12, 0, 0, 0] + Array("hmi.plant".utf8))
        #expect(Self.parse(ack, DeviceNames.dhcp) == .init(address: IPAddress("10.0.1.8")!, name: "hmi.plant"))
        // No address known (a DISCOVER), or no name: nothing claimed.
        #expect(Self.parse(Self.dhcp(options: [53, 1, 1, 12, 3] + Array("abc".utf8)), DeviceNames.dhcp) == nil)
        #expect(Self.parse(Self.dhcp(ciaddr: [10, 0, 0, 9], options: [53, 1, 3]), DeviceNames.dhcp) == nil)
        // A length past the end stops the options; DNS or random bytes are not DHCP.
        #expect(Self.parse(Self.dhcp(ciaddr: [10, 0, 0, 9], options: [12, 200, 0x41]).dropLast(), DeviceNames.dhcp) == nil)
        #expect(Self.parse([UInt8](repeating: 0x41, count: 300), DeviceNames.dhcp) == nil)
    }

    /// A name registration: header, the encoded name (RFC 1001 §14.1), and the NB record.
    static func netbiosRegistration(_ name: String, address: [UInt8]) -> [UInt8] {
        var padded = Array(name.utf8.prefix(15))
        padded += [UInt8](repeating: 0x20, count: 15 - padded.count) + [0x00]
        var encoded: [UInt8] = [32]
        for c in padded { encoded += [0x41 + (c >> 4), 0x41 + (c & 0x0F)] }
        encoded.append(0)
        let header: [UInt8] = [0x12, 0x34, 0x29, 0x10, 0, 1, 0, 0, 0, 0, 0, 1]
        return header + encoded + [0, 0x20, 0, 1] + [0xC0, 0x0C, 0, 0x20, 0, 1, 0, 0, 0x0E, 0x10, 0, 6, 0x60, 0] + address
    }

    @Test func netbiosRegistration() {
        let reg = Self.netbiosRegistration("ENG-WS-12", address: [10, 0, 2, 12])
        #expect(Self.parse(reg, DeviceNames.netbios) == .init(address: IPAddress("10.0.2.12")!, name: "ENG-WS-12"))
        // A query (no record) claims nothing; neither does a broadcast address.
        var query = reg
        query[2] = 0x01; query[3] = 0x10; query[11] = 0
        #expect(Self.parse(Array(query.prefix(50)), DeviceNames.netbios) == nil)
        #expect(Self.parse(Self.netbiosRegistration("X", address: [255, 255, 255, 255]), DeviceNames.netbios) == nil)
    }

    /// An mDNS announcement: a response with `NAME.local A ADDRESS` (cache-flush class).
    static func mdns(_ name: String, address: [UInt8]) -> [UInt8] {
        var b: [UInt8] = [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0]
        for label in (name + ".local").split(separator: ".") { b += [UInt8(label.utf8.count)] + Array(label.utf8) }
        return b + [0, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4] + address
    }

    @Test func mdnsAnnouncement() {
        let a = Self.mdns("Robot-Cell-3", address: [10, 0, 3, 3])
        #expect(Self.parse(a) { DeviceNames.mdns($0, source: IPAddress("10.0.3.3")!) } == .init(address: IPAddress("10.0.3.3")!, name: "robot-cell-3"))
        // An answer for another address (a proxy, or a spoof) names nothing.
        #expect(Self.parse(a) { DeviceNames.mdns($0, source: IPAddress("10.0.3.4")!) } == nil)
        var query = a
        query[2] = 0
        #expect(Self.parse(query) { DeviceNames.mdns($0, source: IPAddress("10.0.3.3")!) } == nil)
    }

    /// Every truncation and every single-byte change of both messages: no crash, and a
    /// claim only with a name that fits.
    @Test func cutAndChangedMessagesNeverCrash() {
        let samples = [Self.dhcp(ciaddr: [10, 0, 0, 9], options: [12, 4] + Array("name".utf8)),
                       Self.netbiosRegistration("ENG-WS-12", address: [10, 0, 2, 12]), Self.mdns("cam-1", address: [10, 0, 0, 9])]
        for s in samples {
            for n in 0 ... s.count {
                _ = Self.parse(Array(s.prefix(n)), DeviceNames.dhcp)
                _ = Self.parse(Array(s.prefix(n)), DeviceNames.netbios)
                _ = Self.parse(Array(s.prefix(n))) { DeviceNames.mdns($0, source: IPAddress("10.0.0.9")!) }
            }
            for i in s.indices {
                var m = s
                m[i] ^= 0xFF
                if let c = Self.parse(m, DeviceNames.dhcp) { #expect(c.name.utf8.count <= DeviceNames.maxNameLength) }
                if let c = Self.parse(m, DeviceNames.netbios) { #expect(c.name.utf8.count <= 15) }
            }
        }
    }
}
