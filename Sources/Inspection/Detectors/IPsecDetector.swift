import Verdicts
import WireBytes

/// IPsec key exchange and ESP on UDP: an IKEv1 or IKEv2 header (initiator SPI set,
/// version 1.0 or 2.0, a known exchange type, a length equal to the datagram's),
/// after the four-zero-byte non-ESP marker on the NAT traversal port; and ESP in UDP on
/// that port (an SPI of at least 256 and a small sequence number, over two datagrams).
/// ESP and AH as IP protocols are named from the IP header (`PacketPipeline`).
enum IPsecDetector: ProtocolDetector {
    static let app = AppProtocol.ipsec
    static let transports: [Transport] = [.udp]
    static let ikev2Exchanges: ClosedRange<UInt8> = 34 ... 43
    static let ikev1Exchanges: Set<UInt8> = [1, 2, 3, 4, 5, 6, 32, 33]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        let natT = p.usesPort(4500)
        // NAT-T keepalive: one 0xFF byte. Evidence of nothing yet.
        if natT, b.count == 1, b[0] == 0xFF { return .needMore }
        let o = natT && b.count >= 4 && b.u32be(0) == 0 ? 4 : 0
        if b.count >= o + 28, isIKE(b, at: o) { return .detected(.ipsec) }
        if natT, o == 0, b.count >= 16 {
            let spi = b.u32be(0), sequence = b.u32be(4)
            guard spi >= 256, sequence >= 1, sequence < 1 << 20 else { return .excluded }
            return p.index >= 1 ? .detected(.ipsec) : .needMore
        }
        return .excluded
    }

    static func isIKE(_ b: UnsafeRawBufferPointer, at o: Int) -> Bool {
        guard b.u32be(o) | b.u32be(o + 4) != 0, Int(b.u32be(o + 24)) == b.count - o else { return false }
        switch b[o + 17] {
        case 0x20: return ikev2Exchanges.contains(b[o + 18])
        case 0x10: return ikev1Exchanges.contains(b[o + 18])
        default: return false
        }
    }
}
