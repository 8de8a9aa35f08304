import WireBytes

/// Tunnel encapsulations whose inner packet is the conversation that matters:
/// VXLAN, GTP-U, GRE (with ERSPAN II/III and transparent Ethernet), IP-in-IP, 6in4, 4in6.
public enum Tunnels {
    public static let vxlanPort: UInt16 = 4789
    public static let gtpUserPort: UInt16 = 2152
    /// Encapsulations followed, at most, before the packet is taken as it is.
    public static let maxDepth = 4

    /// If `p` carries a tunnel, decodes the inner packet into `p` and returns true.
    /// The dispatch is inlined into the per-packet path: a packet that cannot carry a
    /// tunnel (most of them) costs a switch there, not a call.
    @inlinable
    public static func decapsulate(_ frame: UnsafeRawBufferPointer, _ p: inout DecodedPacket) -> Bool {
        switch p.ipProtocol {
        case IPProtocolNumber.ipInIP, IPProtocolNumber.ipv6:
            return decapsulateIP(frame, &p)
        case IPProtocolNumber.gre:
            return decapsulateGRE(frame, &p)
        case IPProtocolNumber.udp:
            let source = p.sourcePort, destination = p.destinationPort
            if destination == vxlanPort || source == vxlanPort { return decapsulateVXLAN(frame, &p) }
            if destination == gtpUserPort || source == gtpUserPort { return decapsulateGTP(frame, &p) }
            return false
        default:
            return false
        }
    }

    /// IP-in-IP, 6in4, 4in6: the inner packet starts where the outer one's payload does.
    @usableFromInline
    static func decapsulateIP(_ frame: UnsafeRawBufferPointer, _ p: inout DecodedPacket) -> Bool {
        guard !p.fragment.isFragment, p.payloadLength > 0 else { return false }
        PacketDecoder.decodeInner(frame, at: p.payloadOffset, ethernet: false, into: &p)
        return true
    }

    /// VXLAN header: flags (I bit 0x08), reserved, VNI, reserved — 8 bytes; Ethernet inside.
    @usableFromInline
    static func decapsulateVXLAN(_ frame: UnsafeRawBufferPointer, _ p: inout DecodedPacket) -> Bool {
        guard p.hasTransport, !p.fragment.isFragment, p.payloadLength >= 8 + 14,
              frame[p.payloadOffset] & 0x08 != 0 else { return false }
        PacketDecoder.decodeInner(frame, at: p.payloadOffset + 8, ethernet: true, into: &p)
        return true
    }

    /// GRE (RFC 2784/2890): optional checksum, key and sequence words; ERSPAN type II
    /// adds 8 bytes, type III 12 (+8 with its platform sub-header).
    @usableFromInline
    static func decapsulateGRE(_ f: UnsafeRawBufferPointer, _ p: inout DecodedPacket) -> Bool {
        let o = p.payloadOffset
        let end = o + p.payloadLength
        guard !p.fragment.isFragment, end - o >= 4 else { return false }
        let flags = f.u16be(o)
        let type = f.u16be(o + 2)
        if flags & 0x0007 == 1 {
            // Enhanced GRE (RFC 2637, PPTP): key (payload length, call id) always, then
            // sequence and acknowledgment numbers when flagged; PPP inside.
            guard type == 0x880B else { return false }
            var offset = o + 8
            if flags & 0x1000 != 0 { offset += 4 }
            if flags & 0x0080 != 0 { offset += 4 }
            guard offset < end else { return false }
            let link = p.linkType
            p.reset(linkType: link)
            PacketDecoder.decodePPP(f, at: offset, into: &p)
            return p.network == .ipv4 || p.network == .ipv6
        }
        guard flags & 0x0007 == 0 else { return false }
        var offset = o + 4
        if flags & 0x8000 != 0 { offset += 4 }
        if flags & 0x2000 != 0 { offset += 4 }
        if flags & 0x1000 != 0 { offset += 4 }
        switch type {
        case EtherType.ipv4, EtherType.ipv6:
            guard offset < end else { return false }
            PacketDecoder.decodeInner(f, at: offset, ethernet: false, into: &p)
        case EtherType.transparentEthernet:
            guard end - offset >= 14 else { return false }
            PacketDecoder.decodeInner(f, at: offset, ethernet: true, into: &p)
        case EtherType.erspanII:
            guard end - offset >= 8 + 14 else { return false }
            PacketDecoder.decodeInner(f, at: offset + 8, ethernet: true, into: &p)
        case EtherType.erspanIII:
            guard end - offset >= 12 else { return false }
            let subheader = f[offset + 11] & 1 != 0
            let skip = 12 + (subheader ? 8 : 0)
            guard end - offset >= skip + 14 else { return false }
            PacketDecoder.decodeInner(f, at: offset + skip, ethernet: true, into: &p)
        default:
            return false
        }
        return true
    }

    /// GTP-U v1 (3GPP TS 29.281): G-PDU messages carry an IP packet after an 8-byte
    /// header, 4 more when any of E/S/PN is set, and the extension-header chain.
    @usableFromInline
    static func decapsulateGTP(_ f: UnsafeRawBufferPointer, _ p: inout DecodedPacket) -> Bool {
        guard p.hasTransport, !p.fragment.isFragment else { return false }
        let o = p.payloadOffset
        let end = o + p.payloadLength
        guard end - o >= 8 else { return false }
        let flags = f[o]
        guard flags >> 5 == 1, flags & 0x10 != 0, f[o + 1] == 0xFF else { return false }
        var offset = o + 8
        if flags & 0x07 != 0 {
            guard end - offset >= 4 else { return false }
            var next = f[offset + 3]
            offset += 4
            var hops = 0
            while next != 0 {
                hops += 1
                guard hops <= 8, end - offset >= 1 else { return false }
                let length = Int(f[offset]) * 4
                guard length >= 4, end - offset >= length else { return false }
                next = f[offset + length - 1]
                offset += length
            }
        }
        guard offset < end else { return false }
        PacketDecoder.decodeInner(f, at: offset, ethernet: false, into: &p)
        return true
    }
}
