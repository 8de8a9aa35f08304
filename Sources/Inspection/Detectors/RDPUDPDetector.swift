import Verdicts
import WireBytes

/// RDP's UDP transport (MS-RDPEUDP) on port 3389: the SYN datagram starts with the
/// sequence number 0xFFFFFFFF and carries the SYN flag; later datagrams ride the flow.
enum RDPUDPDetector: ProtocolDetector {
    static let app = AppProtocol.rdp
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard p.usesPort(3389), b.count >= 8 else { return .excluded }
        return b.u32be(0) == 0xFFFF_FFFF && b.u16be(6) & 0x0001 != 0 ? .detected(.rdp) : .excluded
    }
}
