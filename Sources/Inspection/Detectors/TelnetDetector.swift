import Verdicts
import WireBytes

/// Telnet: option negotiation (IAC followed by WILL/WONT/DO/DONT and an option) at the
/// start of a stream. A session without negotiation is text like any other: it stays
/// unknown rather than be called Telnet for its port.
enum TelnetDetector: ProtocolDetector {
    static let app = AppProtocol.telnet
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        if b.count >= 3, b[0] == 0xFF, (0xFB ... 0xFE).contains(b[1]) { return .detected(.telnet) }
        return .excluded
    }
}
