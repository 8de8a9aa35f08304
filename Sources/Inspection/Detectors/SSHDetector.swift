import Verdicts
import WireBytes

/// SSH: the identification string `SSH-2.0-...` (or 1.99) that both sides send first.
enum SSHDetector: ProtocolDetector {
    static let app = AppProtocol.ssh
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        if p.bytes.hasBytes("SSH-", at: 0) { return .detected(.ssh) }
        return p.bytes.count < 4 && "SSH-".utf8.starts(with: p.bytes) ? .needMore : .excluded
    }
}
