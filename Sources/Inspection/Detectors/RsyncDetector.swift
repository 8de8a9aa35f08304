import Verdicts
import WireBytes

/// rsync daemon: the greeting both sides open with, `@RSYNCD: ` and the protocol
/// version (`@RSYNCD: 31.0`), and the server's later `@RSYNCD: OK`, `EXIT` or
/// `AUTHREQD` lines.
enum RsyncDetector: ProtocolDetector {
    static let app = AppProtocol.rsync
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard let first = b.first, first == 0x40 else { return .excluded }  // '@'
        guard b.count >= 10 else { return "@RSYNCD: ".utf8.starts(with: b) ? .needMore : .excluded }
        guard b.hasBytes("@RSYNCD: ", at: 0) else { return .excluded }
        let c = b[9]
        // A version number, or an upper-case keyword.
        return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) ? .detected(.rsync) : .excluded
    }
}
