import Verdicts
import WireBytes

/// KNXnet/IP (ISO 22510, building automation): each message starts with header length 6
/// and protocol version 0x10, a service type of one of the families 0x02 (core) to 0x09
/// (security), and a total length; messages chain exactly to the end of the datagram
/// or segment.
enum KNXIPDetector: ProtocolDetector {
    static let app = AppProtocol.knxip
    static let transports: [Transport] = [.tcp, .udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        let whole = messagesFill(b) { at in
            guard b.count - at >= 6, b[at] == 0x06, b[at + 1] == 0x10, (2 ... 9).contains(b[at + 2]) else { return nil }
            let length = Int(b.u16be(at + 4))
            return length >= 6 ? length : nil
        }
        return whole ? .detected(.knxip) : .excluded
    }
}
