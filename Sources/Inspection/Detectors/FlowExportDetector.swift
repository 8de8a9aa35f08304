import Verdicts
import WireBytes

/// NetFlow v5/v9 and IPFIX export packets: the version and a header that holds up.
enum FlowExportDetector: ProtocolDetector {
    static let app = AppProtocol.netflow
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 20 else { return .excluded }
        let version = Int(b[0]) << 8 | Int(b[1])
        let second = Int(b[2]) << 8 | Int(b[3])
        switch version {
        case 5: return second >= 1 && second <= 30 && b.count == 24 + 48 * second ? .detected(.netflow) : .excluded
        case 9:
            guard second <= 2048, b.count >= 24 else { return .excluded }
            let setID = Int(b[20]) << 8 | Int(b[21])
            let setLength = Int(b[22]) << 8 | Int(b[23])
            return (setID <= 1 || setID >= 256) && setLength >= 4 && 20 + setLength <= b.count ? .detected(.netflow) : .excluded
        case 10: return second == b.count && b.count >= 20 ? .detected(.ipfix) : .excluded
        default: return .excluded
        }
    }
}
