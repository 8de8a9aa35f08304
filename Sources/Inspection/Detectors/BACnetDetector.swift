import Verdicts
import WireBytes

/// BACnet/IP: the BVLC header (type 0x81, a known function, a length that matches).
enum BACnetDetector: ProtocolDetector {
    static let app = AppProtocol.bacnet
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 4, b[0] == 0x81, b[1] <= 0x0C else { return .excluded }
        let length = Int(b[2]) << 8 | Int(b[3])
        return length == b.count ? .detected(.bacnet) : .excluded
    }
}
