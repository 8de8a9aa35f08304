import Verdicts
import WireBytes

/// NTP (RFC 5905): 48-byte header (plus extensions or a MAC), version 1–4, a mode,
/// on port 123 (the header alone is too plain to trust without the port).
enum NTPDetector: ProtocolDetector {
    static let app = AppProtocol.ntp
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard p.usesPort(123), b.count >= 48 else { return .excluded }
        let version = (b[0] >> 3) & 7
        let mode = b[0] & 7
        return (1 ... 4).contains(version) && mode >= 1 && mode <= 7 ? .detected(.ntp) : .excluded
    }
}
