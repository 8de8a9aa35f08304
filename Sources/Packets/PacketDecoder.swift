import WireBytes

/// Decodes frames from the link layer to the transport layer into a reused
/// `DecodedPacket`: no allocation, no Foundation, every length checked before a read.
public enum PacketDecoder {
    /// Decodes one frame of the given link type.
    public static func decode(_ frame: UnsafeRawBufferPointer, linkType: LinkType, into p: inout DecodedPacket) {
        p.reset(linkType: linkType)
        switch linkType.rawValue {
        case LinkType.ethernet.rawValue: decodeEthernet(frame, at: 0, into: &p)
        case LinkType.raw.rawValue, 12, 14: decodeRawIP(frame, at: 0, into: &p)
        case LinkType.ipv4.rawValue: p.etherType = EtherType.ipv4; decodeIPv4(frame, at: 0, into: &p)
        case LinkType.ipv6.rawValue: p.etherType = EtherType.ipv6; decodeIPv6(frame, at: 0, into: &p)
        case LinkType.linuxSLL.rawValue: decodeSLL(frame, version2: false, into: &p)
        case LinkType.linuxSLL2.rawValue: decodeSLL(frame, version2: true, into: &p)
        case LinkType.null.rawValue: decodeNull(frame, networkOrder: false, into: &p)
        case LinkType.loop.rawValue: decodeNull(frame, networkOrder: true, into: &p)
        case LinkType.ppp.rawValue, LinkType.pppHDLC.rawValue: decodePPP(frame, at: 0, into: &p)
        case LinkType.pppEther.rawValue:
            // PPPoE without Ethernet: the 6-byte session header, then PPP.
            decodePPPoE(frame, at: 0, into: &p)
        case LinkType.cHDLC.rawValue: decodeCHDLC(frame, into: &p)
        default:
            p.stop = .unsupported(.file, "link type not decoded", at: 0)
        }
    }

    /// Decodes an inner packet at `offset` (tunnels): `ethernet` for VXLAN, GRE
    /// transparent Ethernet and ERSPAN; otherwise raw IP by its version nibble.
    /// Outer VLANs are kept unless the inner frame has its own.
    public static func decodeInner(_ frame: UnsafeRawBufferPointer, at offset: Int, ethernet: Bool, into p: inout DecodedPacket) {
        let link = p.linkType
        let vlanCount = p.vlanCount, outer = p.outerVLAN, inner = p.innerVLAN
        p.reset(linkType: link)
        p.vlanCount = vlanCount; p.outerVLAN = outer; p.innerVLAN = inner
        if ethernet {
            decodeEthernet(frame, at: offset, into: &p)
            if p.vlanCount == 0 { p.vlanCount = vlanCount; p.outerVLAN = outer; p.innerVLAN = inner }
        } else {
            decodeRawIP(frame, at: offset, into: &p)
        }
    }
}

extension PacketDecoder {
    /// Decodes a transport header at the start of `ipPayload` (a reassembled datagram):
    /// ports, flags and the payload range, relative to `ipPayload`.
    public static func decodeTransport(protocol proto: UInt8, _ ipPayload: UnsafeRawBufferPointer, into p: inout DecodedPacket) {
        p.stop = nil
        p.hasTransport = false
        p.ipProtocol = proto
        decodeTransport(proto, ipPayload, at: 0, end: ipPayload.count, into: &p)
    }

    /// The IP payload of a decoded packet within its frame: from the transport header
    /// (or a later fragment's data) to the end of the IP packet, clamped to the capture.
    public static func ipPayloadRange(of p: DecodedPacket, frameCount: Int) -> Range<Int> {
        let start = (p.fragment.isFragment && p.fragment.offset != 0) ? p.payloadOffset : p.transportOffset
        let end = min(frameCount, p.ipOffset + p.ipLength)
        return start < end ? start ..< end : start ..< start
    }
}
