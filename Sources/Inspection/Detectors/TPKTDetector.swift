import Verdicts
import WireBytes

/// ISO transport on TCP (TPKT + COTP, RFC 1006), which three protocols share:
/// S7comm (protocol id 0x32, or 0x72 for S7comm-plus, after a COTP data header),
/// RDP (a COTP connection request carrying `Cookie: mstshash=` or an RDP negotiation
/// request), and MMS (ISO 9506, on port 102 without an S7 header).
enum TPKTDetector: ProtocolDetector {
    static let app = AppProtocol.s7comm
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 7 else { return .excluded }
        let length = Int(b[2]) << 8 | Int(b[3])
        guard b[0] == 3, b[1] == 0, length >= 7, length <= b.count + 16384 else { return .excluded }
        let cotpLength = Int(b[4])
        let pduType = b[5] & 0xF0
        guard cotpLength >= 2, 5 + cotpLength <= b.count else { return .excluded }
        switch pduType {
        case 0xE0, 0xD0:  // connection request / confirm
            if b.hasBytes("Cookie: mstshash=", at: 11) || (b.count >= 19 && b[11] == 1 && b[12] <= 0x0F && b[13] == 8 && b[14] == 0) {
                return .detected(.rdp)
            }
            // RDP confirm: negotiation response (type 2) after the 7-byte COTP CC.
            if pduType == 0xD0, b.count >= 19, b[11] == 2, b[13] == 8 { return .detected(.rdp) }
            if p.usesPort(3389) { return .detected(.rdp) }
            return p.usesPort(102) ? .needMore : .excluded
        case 0xF0:  // data
            let payload = 5 + cotpLength
            guard payload < b.count else { return .needMore }
            if b[payload] == 0x32 || b[payload] == 0x72 { return .detected(.s7comm) }
            if p.usesPort(3389) { return .detected(.rdp) }
            if p.usesPort(102) { return .detected(.mms) }
            return .excluded
        default:
            return .excluded
        }
    }
}
