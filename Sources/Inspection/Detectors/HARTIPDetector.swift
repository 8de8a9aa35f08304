import Verdicts
import WireBytes

/// HART-IP (FieldComm Group, process instruments): an 8-byte header of version 1 or 2,
/// message type (request, response, publish, error, NAK), message id (session
/// initiate/close, keep-alive, token-passing and direct PDUs, discovery and the version 2
/// ones up to 13), status, sequence number and a byte count that is the whole message:
/// the datagram (UDP) or a run of messages to the end of the segment (TCP).
enum HARTIPDetector: ProtocolDetector {
    static let app = AppProtocol.hartip
    static let transports: [Transport] = [.tcp, .udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        let whole = messagesFill(b) { at in
            guard b.count - at >= 8, (1 ... 2).contains(b[at]), [0, 1, 2, 3, 15].contains(b[at + 1]), b[at + 2] <= 13 else { return nil }
            let length = Int(b.u16be(at + 6))
            return length >= 8 ? length : nil
        }
        // A datagram is one message.
        guard whole, p.transport == .tcp || Int(b.u16be(6)) == b.count else { return .excluded }
        return .detected(.hartip)
    }
}
