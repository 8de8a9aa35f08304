import Verdicts
import WireBytes

/// AMQP 0-9-1 / 1.0: the protocol header `AMQP` plus version bytes.
enum AMQPDetector: ProtocolDetector {
    static let app = AppProtocol.amqp
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        p.bytes.count >= 8 && p.bytes.hasBytes("AMQP", at: 0) && p.bytes[4] <= 3 ? .detected(.amqp) : .excluded
    }
}
