import Verdicts
import WireBytes

/// CIP implicit (class 1) I/O over UDP 2222: a common packet format with two items,
/// a sequenced address item (0x8002) and connected data (0x00B1).
enum CIPIODetector: ProtocolDetector {
    static let app = AppProtocol.enip
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard p.usesPort(2222), b.count >= 22 else { return .excluded }
        return b.u16le(0) == 2 && b.u16le(2) == 0x8002 && b.u16le(4) == 8 && b.u16le(14) == 0x00B1 ? .detected(.enip) : .excluded
    }
}
