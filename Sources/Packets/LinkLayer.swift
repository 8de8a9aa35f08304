import WireBytes

/// Link layers: each finds where the network layer starts and which EtherType it is.
extension PacketDecoder {
    enum Ethernet {
        static let headerLength = 14, typeOffset = 12
    }

    enum LinuxSLL {
        static let headerLength = 16, protocolOffset = 14
        static let headerLength2 = 20, protocolOffset2 = 0
    }

    enum Null {
        static let headerLength = 4
        static let familyIPv4: UInt32 = 2
        static let familiesIPv6: Set<UInt32> = [10, 24, 28, 30]
    }

    /// Ethernet, then any stack of VLAN tags, then PPPoE if present.
    static func decodeEthernet(_ f: UnsafeRawBufferPointer, at start: Int, into p: inout DecodedPacket) {
        guard f.count - start >= Ethernet.headerLength else {
            p.stop = .truncated(.ethernet, needed: Ethernet.headerLength, available: max(0, f.count - start), at: start)
            return
        }
        var type = f.u16be(start + Ethernet.typeOffset)
        // Checked above: the header's 14 bytes are there. The source follows the destination.
        p.sourceMAC = UInt64(f.u16be(start + 6)) << 32 | UInt64(f.u32be(start + 8))
        var offset = start + Ethernet.headerLength
        var tags = 0
        while type == EtherType.vlan || type == EtherType.qinq || type == EtherType.qinqOld {
            guard tags < PacketLimits.maxVLANTags else {
                p.stop = .malformed(.vlan, "more VLAN tags than any network stacks", at: offset)
                return
            }
            guard f.count - offset >= 4 else {
                p.stop = .truncated(.vlan, needed: 4, available: f.count - offset, at: offset)
                return
            }
            let id = f.u16be(offset) & 0x0FFF
            if tags == 0 { p.outerVLAN = id } else if tags == 1 { p.innerVLAN = id }
            tags += 1
            type = f.u16be(offset + 2)
            offset += 4
        }
        p.vlanCount = UInt8(tags)
        decodeEtherType(type, f, at: offset, into: &p)
    }

    /// Dispatches on an EtherType: IP, PPPoE session, or stop.
    static func decodeEtherType(_ type: UInt16, _ f: UnsafeRawBufferPointer, at offset: Int, into p: inout DecodedPacket) {
        p.etherType = type
        switch type {
        case EtherType.ipv4: decodeIPv4(f, at: offset, into: &p)
        case EtherType.ipv6: decodeIPv6(f, at: offset, into: &p)
        case EtherType.pppoeSession: decodePPPoE(f, at: offset, into: &p)
        default:
            p.network = .other
            if type < 0x0600 {
                p.stop = .unsupported(.ethernet, "IEEE 802.3 length field (LLC frame), no IP", at: offset - 2)
            } else {
                p.stop = .unsupported(.ethernet, "EtherType carries no IP", at: offset - 2)
            }
        }
    }

    /// PPPoE session header (RFC 2516): version/type 0x11, code 0, then PPP.
    static func decodePPPoE(_ f: UnsafeRawBufferPointer, at offset: Int, into p: inout DecodedPacket) {
        guard f.count - offset >= 8 else {
            p.stop = .truncated(.pppoe, needed: 8, available: f.count - offset, at: offset)
            return
        }
        guard f[offset] == 0x11, f[offset + 1] == 0 else {
            p.stop = .malformed(.pppoe, "not a PPPoE session packet", at: offset)
            return
        }
        decodePPPProtocol(f.u16be(offset + 6), f, at: offset + 8, into: &p)
    }

    /// PPP (RFC 1661), optionally in HDLC-like framing (ff 03); the protocol field may
    /// be compressed to one byte.
    static func decodePPP(_ f: UnsafeRawBufferPointer, at start: Int, into p: inout DecodedPacket) {
        var offset = start
        // Cisco HDLC framing in a PPP capture (routers write it under DLT_PPP too).
        if f.count - offset >= 4, f[offset] == 0x0F || f[offset] == 0x8F, f[offset + 1] == 0 {
            decodeEtherType(f.u16be(offset + 2), f, at: offset + 4, into: &p)
            return
        }
        if f.count - offset >= 2, f[offset] == 0xFF, f[offset + 1] == 0x03 { offset += 2 }
        guard f.count - offset >= 1 else {
            p.stop = .truncated(.ppp, needed: 1, available: 0, at: offset)
            return
        }
        if f[offset] & 1 == 1 {
            decodePPPProtocol(UInt16(f[offset]), f, at: offset + 1, into: &p)
            return
        }
        guard f.count - offset >= 2 else {
            p.stop = .truncated(.ppp, needed: 2, available: f.count - offset, at: offset)
            return
        }
        decodePPPProtocol(f.u16be(offset), f, at: offset + 2, into: &p)
    }

    static func decodePPPProtocol(_ proto: UInt16, _ f: UnsafeRawBufferPointer, at offset: Int, into p: inout DecodedPacket) {
        switch proto {
        case 0x0021: p.etherType = EtherType.ipv4; decodeIPv4(f, at: offset, into: &p)
        case 0x0057: p.etherType = EtherType.ipv6; decodeIPv6(f, at: offset, into: &p)
        default:
            p.network = .other
            p.stop = .unsupported(.ppp, "PPP protocol carries no IP (LCP, IPCP, ...)", at: offset - 2)
        }
    }

    /// Linux cooked capture v1 (16 bytes) and v2 (20 bytes): the protocol is an EtherType.
    static func decodeSLL(_ f: UnsafeRawBufferPointer, version2: Bool, into p: inout DecodedPacket) {
        let length = version2 ? LinuxSLL.headerLength2 : LinuxSLL.headerLength
        guard f.count >= length else {
            p.stop = .truncated(version2 ? .sll2 : .sll, needed: length, available: f.count, at: 0)
            return
        }
        let type = f.u16be(version2 ? LinuxSLL.protocolOffset2 : LinuxSLL.protocolOffset)
        decodeEtherType(type, f, at: length, into: &p)
    }

    /// BSD loopback: a 4-byte address family, in the capturing host's order (null) or
    /// network order (loop).
    static func decodeNull(_ f: UnsafeRawBufferPointer, networkOrder: Bool, into p: inout DecodedPacket) {
        guard f.count >= Null.headerLength else {
            p.stop = .truncated(.null, needed: Null.headerLength, available: f.count, at: 0)
            return
        }
        // The writer's byte order is unknown for DLT_NULL: a family fits in the low byte.
        let raw = f.u32le(0)
        let family = networkOrder ? f.u32be(0) : (raw > 0xFFFF ? raw.byteSwapped : raw)
        if family == Null.familyIPv4 {
            p.etherType = EtherType.ipv4
            decodeIPv4(f, at: Null.headerLength, into: &p)
        } else if Null.familiesIPv6.contains(family) {
            p.etherType = EtherType.ipv6
            decodeIPv6(f, at: Null.headerLength, into: &p)
        } else {
            p.network = .other
            p.stop = .unsupported(.null, "loopback address family carries no IP", at: 0)
        }
    }

    /// Cisco HDLC: address, control, then an EtherType.
    static func decodeCHDLC(_ f: UnsafeRawBufferPointer, into p: inout DecodedPacket) {
        guard f.count >= 4 else {
            p.stop = .truncated(.chdlc, needed: 4, available: f.count, at: 0)
            return
        }
        decodeEtherType(f.u16be(2), f, at: 4, into: &p)
    }

    /// Raw IP: the version nibble decides.
    static func decodeRawIP(_ f: UnsafeRawBufferPointer, at offset: Int, into p: inout DecodedPacket) {
        guard f.count > offset else {
            p.stop = .truncated(.ipv4, needed: 1, available: 0, at: offset)
            return
        }
        switch f[offset] >> 4 {
        case 4: p.etherType = EtherType.ipv4; decodeIPv4(f, at: offset, into: &p)
        case 6: p.etherType = EtherType.ipv6; decodeIPv6(f, at: offset, into: &p)
        default:
            p.network = .other
            p.stop = .malformed(.ipv4, "IP version is neither 4 nor 6", at: offset)
        }
    }
}
