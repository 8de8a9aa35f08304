import WireBytes

extension PacketDecoder {
    enum TCP {
        static let minimumHeader = 20
        static let sequence = 4, acknowledgment = 8, dataOffset = 12, flags = 13
    }

    enum UDP {
        static let header = 8, length = 4
    }

    /// TCP, UDP, ICMP, ICMPv6; anything else keeps the IP layer and its payload.
    /// `end` is where the IP packet ends in the frame (captured bytes, IP length).
    static func decodeTransport(_ proto: UInt8, _ f: UnsafeRawBufferPointer, at o: Int, end: Int, into p: inout DecodedPacket) {
        p.transportOffset = o
        switch proto {
        case IPProtocolNumber.tcp:
            guard end - o >= TCP.minimumHeader else {
                p.stop = .truncated(.tcp, needed: TCP.minimumHeader, available: max(0, end - o), at: o)
                return
            }
            let headerLength = Int(f[o + TCP.dataOffset] >> 4) * 4
            guard headerLength >= TCP.minimumHeader else {
                p.stop = .malformed(.tcp, "data offset below 20 bytes", at: o + TCP.dataOffset)
                return
            }
            p.sourcePort = f.u16be(o)
            p.destinationPort = f.u16be(o + 2)
            p.tcpSequence = f.u32be(o + TCP.sequence)
            p.tcpAcknowledgment = f.u32be(o + TCP.acknowledgment)
            p.tcpFlags = f[o + TCP.flags]
            p.hasTransport = true
            guard end - o >= headerLength else {
                p.stop = .truncated(.tcp, needed: headerLength, available: end - o, at: o)
                return
            }
            p.payloadOffset = o + headerLength
            p.payloadLength = end - p.payloadOffset
        case IPProtocolNumber.udp:
            guard end - o >= UDP.header else {
                p.stop = .truncated(.udp, needed: UDP.header, available: max(0, end - o), at: o)
                return
            }
            p.sourcePort = f.u16be(o)
            p.destinationPort = f.u16be(o + 2)
            p.hasTransport = true
            let length = Int(f.u16be(o + UDP.length))
            p.payloadOffset = o + UDP.header
            // UDP length 0 is a jumbogram's (RFC 2675); below 8 is malformed: keep what IP says.
            if length >= UDP.header {
                p.payloadLength = min(length, end - o) - UDP.header
            } else {
                p.payloadLength = end - p.payloadOffset
            }
        case IPProtocolNumber.icmp, IPProtocolNumber.icmp6:
            guard end - o >= 4 else {
                p.stop = .truncated(proto == IPProtocolNumber.icmp ? .icmp : .icmp6, needed: 4, available: max(0, end - o), at: o)
                return
            }
            p.icmpType = f[o]
            p.icmpCode = f[o + 1]
            p.hasTransport = true
            p.payloadOffset = o + 4
            p.payloadLength = end - p.payloadOffset
        default:
            p.payloadOffset = o
            p.payloadLength = max(0, end - o)
        }
    }
}
