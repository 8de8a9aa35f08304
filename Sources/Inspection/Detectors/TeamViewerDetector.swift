import Verdicts
import WireBytes

/// TeamViewer: on TCP its own framing, command messages `17 24 | command | length LE16`
/// (length + 5 bytes) and data messages `11 30 | command | flags | length LE32` (length +
/// 24 bytes), whose lengths must close a message exactly where the payload ends or the
/// next message begins; on UDP the `17 24` magic at offset 11 of every datagram, over
/// several datagrams.
enum TeamViewerDetector: ProtocolDetector {
    static let app = AppProtocol.teamviewer
    static let transports: [Transport] = [.tcp, .udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        if p.transport == .udp {
            guard b.count >= 14, b[11] == 0x17, b[12] == 0x24 else { return .excluded }
            // Two magic bytes are little evidence alone: the same in four datagrams in a row.
            return p.usesPort(5938) || p.index >= 3 ? .detected(.teamviewer) : .needMore
        }
        guard b.count >= 2 else { return .excluded }
        guard let total = messageLength(b, at: 0) else { return .excluded }
        guard total > 0 else { return .needMore }   // the header is not whole yet
        if total == b.count { return .detected(.teamviewer) }
        if total < b.count {
            // A reassembled start may hold several messages: the next must start at `total`.
            guard total + 2 <= b.count else { return .needMore }
            return isMagic(b, total) ? .detected(.teamviewer) : .excluded
        }
        return total <= 16 * 1024 ? .needMore : .excluded
    }

    static func isMagic(_ b: UnsafeRawBufferPointer, _ at: Int) -> Bool {
        (b[at] == 0x17 && b[at + 1] == 0x24) || (b[at] == 0x11 && b[at + 1] == 0x30)
    }

    /// The whole message's length; 0 when its header is cut off; nil when it is not one.
    static func messageLength(_ b: UnsafeRawBufferPointer, at i: Int) -> Int? {
        guard isMagic(b, i) else { return nil }
        if b[i] == 0x17 {
            guard i + 5 <= b.count else { return 0 }
            return Int(b.u16le(i + 3)) + 5
        }
        guard i + 8 <= b.count else { return 0 }
        let length = b.u32le(i + 4)
        return length <= 1 << 20 ? Int(length) + 24 : nil
    }
}
