import Verdicts
import WireBytes

/// Radmin: messages `01 00 00 00 | length | 00 00 | ...` of exactly length + 9 bytes,
/// and only the openings its client and server exchange first (a 10- or 14-byte client
/// hello; a 46- or 14-byte reply of fixed shape).
enum RadminDetector: ProtocolDetector {
    static let app = AppProtocol.radmin
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 10, b.u32be(0) == 0x0100_0000, b[5] == 0, b[6] == 0, Int(b[4]) + 9 == b.count else { return .excluded }
        let clientHello = (b.count == 10 && b[7] == 0 && b[8] == 0x08 && b[9] == 0x08)
            || (b.count == 14 && b[7] == 0x02 && b[8] == 0x27 && b[9] == 0x27 && b.u32be(10) == 0x0200_0000)
        let serverReply = (b.count == 46 && b[7] == 0x02 && b[8] == 0x12 && b[9] == 0x08 && b[10] == 0x02)
            || (b.count == 14 && b[7] == 0x00 && b[8] == 0x27 && b[9] == 0x27 && b.u32be(10) == 0)
        if serverReply { return .detected(.radmin) }
        // The client's hello alone is a few fixed bytes: its port, or the reply, confirms it.
        if clientHello { return p.usesPort(4899) ? .detected(.radmin) : .needMore }
        return .excluded
    }
}
