import WireBytes

/// Names devices give themselves on the local network: the host name of a DHCP
/// message (RFC 2131/2132, option 12, else the FQDN of option 81) and the name a
/// NetBIOS name service registration claims (RFC 1002). Read in place, every length
/// checked; nothing here is trusted beyond its own bounds.
public enum DeviceNames {
    /// A name and the address it is the name of.
    public struct Claim: Sendable, Equatable {
        public var address: IPAddress
        public var name: String

        public init(address: IPAddress, name: String) {
            self.address = address
            self.name = name
        }
    }

    static let dhcpMagic: UInt32 = 0x6382_5363
    public static let maxNameLength = 255

    /// DHCP: the client's address (its `ciaddr`, the address offered in `yiaddr`, or the
    /// requested address of option 50) and its host name; nil without both.
    public static func dhcp(_ b: UnsafeRawBufferPointer) -> Claim? {
        guard b.count >= 240, b[0] == 1 || b[0] == 2, b[1] == 1, b[2] == 6, b.u32be(236) == dhcpMagic else { return nil }
        let ciaddr = b.u32be(12), yiaddr = b.u32be(16)
        var requested: UInt32 = 0, name: String?, fqdn: String?
        var o = 240
        while o < b.count {
            let code = b[o]
            if code == 255 { break }
            if code == 0 { o += 1; continue }
            guard o + 1 < b.count else { break }
            let length = Int(b[o + 1]), start = o + 2
            guard start + length <= b.count else { break }
            switch code {
            case 12 where length > 0: name = text(b, start, length)
            case 50 where length == 4: requested = b.u32be(start)
            // FQDN: flags, two obsolete codes, then the name (ASCII in the old form).
            case 81 where length > 3 && b[start] & 0x04 == 0: fqdn = text(b, start + 3, length - 3)
            default: break
            }
            o = start + length
        }
        let address = ciaddr != 0 ? ciaddr : yiaddr != 0 ? yiaddr : requested
        guard address != 0, let n = name ?? fqdn, !n.isEmpty else { return nil }
        return Claim(address: IPAddress(v4: address), name: n)
    }

    /// NetBIOS name service: a registration, refresh or positive response names its
    /// address in the NB record; the name's first 15 characters, padding trimmed.
    public static func netbios(_ b: UnsafeRawBufferPointer) -> Claim? {
        guard b.count >= 12 + 34 + 4 else { return nil }
        let flags = b.u16be(2), opcode = (flags >> 11) & 0xF
        // 5 registration, 8 refresh (also 9); 0 a query, of use only as a positive response.
        guard opcode == 5 || opcode == 8 || opcode == 9 || (opcode == 0 && flags & 0x8000 != 0) else { return nil }
        let questions = b.u16be(4), answers = b.u16be(6), additional = b.u16be(10)
        guard questions + answers + additional >= 1 else { return nil }
        // The first name: length 32, first-level encoded (RFC 1001 §14.1), then a scope.
        guard b[12] == 32 else { return nil }
        var raw: [UInt8] = []
        for i in stride(from: 13, to: 45, by: 2) {
            let hi = b[i], lo = b[i + 1]
            guard (0x41 ... 0x50).contains(hi), (0x41 ... 0x50).contains(lo) else { return nil }
            raw.append((hi - 0x41) << 4 | (lo - 0x41))
        }
        var o = 45
        while o < b.count, b[o] != 0 {          // scope labels
            o += Int(b[o]) + 1
            guard o < b.count else { return nil }
        }
        o += 1
        // A response: the record follows the name (type, class, TTL, length, flags, address).
        // A registration: the question's type and class, then an additional record whose
        // name points back at the question's.
        var address: UInt32 = 0
        if questions == 0 {
            guard o + 16 <= b.count, b.u16be(o + 8) >= 6 else { return nil }
            address = b.u32be(o + 12)
        } else if additional > 0 {
            o += 4
            guard o + 18 <= b.count, b[o] & 0xC0 == 0xC0 else { return nil }
            let p = o + 2
            guard b.u16be(p + 8) >= 6 else { return nil }
            address = b.u32be(p + 12)
        }
        guard address != 0, address != 0xFFFF_FFFF else { return nil }
        let nameBytes = raw.prefix(15)
        var n = String(decoding: nameBytes, as: UTF8.self)
        while n.last == " " || n.last == "\0" { n.removeLast() }
        guard !n.isEmpty else { return nil }
        return Claim(address: IPAddress(v4: address), name: n)
    }

    /// mDNS (RFC 6762): a response's A or AAAA record for `NAME.local` whose address is the
    /// sender's own (a device announcing itself; answers for others are left out).
    public static func mdns(_ b: UnsafeRawBufferPointer, source: IPAddress) -> Claim? {
        guard b.count >= DNSMessage.headerLength else { return nil }
        var c = Cursor(b)
        guard c.skip(2), let flags = c.u16(), flags & 0x8000 != 0, let qd = c.u16(), let an = c.u16(), let ns = c.u16(),
              let ar = c.u16() else { return nil }
        for _ in 0 ..< Int(min(qd, 16)) {
            guard DNSMessage.readName(b, &c) != nil, c.skip(4) else { return nil }
        }
        let records = min(Int(an) + Int(ns) + Int(ar), DNSMessage.maxRecords)
        for _ in 0 ..< records {
            guard let owner = DNSMessage.readName(b, &c), let type = c.u16(), let klass = c.u16(), c.skip(4),
                  let length = c.u16(), let rdata = c.sub(Int(length)) else { return nil }
            // The top bit of the class is mDNS's cache-flush flag.
            guard klass & 0x7FFF == DNSMessage.classIN, owner.hasSuffix(".local"), owner.count > 6 else { continue }
            let address: IPAddress
            if type == DNSMessage.typeA, length == 4 { address = IPAddress(v4At: rdata.offset, in: b) }
            else if type == DNSMessage.typeAAAA, length == 16 { address = IPAddress(v6At: rdata.offset, in: b) }
            else { continue }
            guard address == source else { continue }
            return Claim(address: address, name: String(owner.dropLast(6)))
        }
        return nil
    }

    static func text(_ b: UnsafeRawBufferPointer, _ start: Int, _ length: Int) -> String {
        var n = String(decoding: b.view(start, min(length, maxNameLength)), as: UTF8.self)
        while n.last == "\0" { n.removeLast() }
        return n
    }
}
