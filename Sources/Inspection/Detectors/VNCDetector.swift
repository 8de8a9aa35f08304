import Verdicts
import WireBytes

/// VNC / RFB: the server's and client's `RFB 003.00x\n` version message.
enum VNCDetector: ProtocolDetector {
    static let app = AppProtocol.vnc
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        if b.count >= 12, b.hasBytes("RFB ", at: 0), b[7] == 0x2E, b[11] == 0x0A { return .detected(.vnc) }
        return .excluded
    }
}
