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
