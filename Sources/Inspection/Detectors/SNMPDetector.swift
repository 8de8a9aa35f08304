import Verdicts
import WireBytes

/// SNMP v1/v2c/v3: a BER SEQUENCE holding an INTEGER version 0, 1 or 3.
enum SNMPDetector: ProtocolDetector {
    static let app = AppProtocol.snmp
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 8, b[0] == 0x30 else { return .excluded }
        var i = 1
        if b[1] & 0x80 != 0 { i += 1 + Int(b[1] & 0x7F) } else { i += 1 }
        guard i + 2 < b.count, b[i] == 0x02, b[i + 1] == 1 else { return .excluded }
        let version = b[i + 2]
        guard version <= 3, version != 2 else { return .excluded }
        return p.usesPort(161) || p.usesPort(162) || (version < 2 && i + 3 < b.count && b[i + 3] == 0x04) ? .detected(.snmp) : .excluded
    }
}
