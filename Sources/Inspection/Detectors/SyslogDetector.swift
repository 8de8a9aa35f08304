import Verdicts
import WireBytes

/// Syslog: `<PRI>` with PRI 0–191 at the start of a UDP datagram, or of a TCP
/// message (RFC 6587: octet counting `LEN <PRI>...`, or non-transparent framing).
enum SyslogDetector: ProtocolDetector {
    static let app = AppProtocol.syslog
    static let transports: [Transport] = [.udp, .tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        var b = p.bytes
        if p.transport == .tcp, b.count > 2, b[0] >= 0x31, b[0] <= 0x39 {
            // Octet counting: a decimal length and a space before the message.
            var i = 0
            while i < b.count, i < 6, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i < b.count, b[i] == 0x20 else { return .excluded }
            b = UnsafeRawBufferPointer(rebasing: b[(i + 1)...])
        }
        guard b.count >= 4, b[0] == 0x3C else { return .excluded }
        var i = 1, pri = 0
        while i < b.count, i <= 4, b[i] >= 0x30, b[i] <= 0x39 { pri = pri * 10 + Int(b[i] - 0x30); i += 1 }
        guard i > 1, i < b.count, b[i] == 0x3E, pri <= 191 else { return .excluded }
        return p.usesPort(514) || b.count > 16 ? .detected(.syslog) : .excluded
    }
}
