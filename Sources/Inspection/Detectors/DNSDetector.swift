import Verdicts
import WireBytes

/// DNS over UDP, or over TCP with its 2-byte length prefix: a plausible header and a
/// question that parses; responses feed the address-to-name map.
enum DNSDetector: ProtocolDetector {
    static let app = AppProtocol.dns
    static let transports: [Transport] = [.udp, .tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        var b = p.bytes
        if p.transport == .tcp {
            guard b.count >= 2 else { return .needMore }
            let length = Int(b[0]) << 8 | Int(b[1])
            guard length >= DNSMessage.headerLength else { return .excluded }
            b = UnsafeRawBufferPointer(rebasing: b[2 ..< min(b.count, 2 + length)])
            if b.count < length { return p.usesPort(53) ? .needMore : .excluded }
        }
        guard DNSMessage.looksLikeDNS(b), let info = DNSMessage.parse(b), let q = info.question, !q.isEmpty || info.isResponse else {
            return .excluded
        }
        // Without the port hint, ask for the name to look like one.
        if !(p.usesPort(53) || p.usesPort(5353) || p.usesPort(5355)), !q.contains(".") { return .excluded }
        if info.isResponse {
            f.dns = info
            f.finished = true
        }
        return .detected(.dns)
    }
}
