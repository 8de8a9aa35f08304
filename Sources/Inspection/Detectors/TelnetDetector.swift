import Verdicts
import WireBytes

/// Telnet: option negotiation (IAC followed by WILL/WONT/DO/DONT) at the start of a
/// stream, or plain text on port 23.
enum TelnetDetector: ProtocolDetector {
    static let app = AppProtocol.telnet
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        if b.count >= 3, b[0] == 0xFF, (0xFB ... 0xFE).contains(b[1]) { return .detected(.telnet) }
        return p.usesPort(23) && b.count > 0 && p.index >= 1 ? .detected(.telnet) : .excluded
    }
}
