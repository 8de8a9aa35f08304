import Verdicts
import WireBytes

/// Kafka: a client request — a 32-bit size that frames the message (and the next one
/// in a stream that holds several), an API key and version in range, a correlation id
/// and a printable client id. A request without a client id counts only on the Kafka
/// port. A broker's response seen first (a capture that begins mid-flow) is too plain
/// to decide and waits for the client's next request.
enum KafkaDetector: ProtocolDetector {
    static let app = AppProtocol.kafka
    static let transports: [Transport] = [.tcp]
    static let maxSize = 100 * 1024 * 1024

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        let n = b.count
        // The size is big-endian and at most 100 MiB: the first byte is small.
        guard let first = b.first, first <= 0x06 else { return n == 0 ? .needMore : .excluded }
        guard n >= 4 else { return .needMore }
        let size = Int(b.u32be(0))
        guard size >= 4, size <= maxSize else { return .excluded }
        guard n >= 14 else { return .needMore }
        let end = 4 + size
        let framed = end <= n && nextSizeFits(b, at: end)

        // Request header: API key, API version, correlation id, client id (or -1).
        if size >= 10, b.u16be(4) <= 90, b.u16be(6) <= 20 {
            let idLength = Int(b.u16be(12))
            if idLength == 0xFFFF || idLength == 0 {
                if framed { return p.usesPort(9092) ? .detected(.kafka) : .needMore }
                return end > n ? .needMore : .excluded
            }
            if 14 + idLength <= end {
                let stop = min(n, 14 + idLength)
                var printable = true
                var i = 14
                while i < stop {
                    if b[i] < 0x20 || b[i] >= 0x7F { printable = false; break }
                    i += 1
                }
                if printable {
                    if stop < 14 + idLength { return .needMore }
                    // A long request (a produce) may go on in later segments: its header decides.
                    if framed || (end > n && idLength >= 3) { return .detected(.kafka) }
                }
            }
        }
        // A response (size, correlation id, body) before any request.
        if framed { return .needMore }
        return end > n && p.usesPort(9092) ? .needMore : .excluded
    }

    /// After a whole message, the next one's size (when its bytes are here) is sane too.
    static func nextSizeFits(_ b: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        guard b.count - offset >= 4 else { return true }
        let next = Int(b.u32be(offset))
        return next >= 4 && next <= maxSize
    }
}
