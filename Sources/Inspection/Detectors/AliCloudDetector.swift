import Verdicts
import WireBytes

/// Alibaba Cloud's device link (the persistent connection of Alibaba-cloud devices and
/// apps): frames of the magic `CE FA BE BA` and a little-endian body length, the body
/// following in the same segment or the next; the length must fit what follows or be a
/// frame header alone.
enum AliCloudDetector: ProtocolDetector {
    static let app = AppProtocol.alicloud
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 8, b.u32be(0) == 0xCEFA_BEBA else { return .excluded }
        let length = Int(b.u32le(4))
        guard length > 0, length <= 1 << 20, b.count == 8 || b.count == 8 + length else { return .excluded }
        return .detected(.alicloud)
    }
}
