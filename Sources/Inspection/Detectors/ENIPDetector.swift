import Verdicts
import WireBytes

/// EtherNet/IP encapsulation: a known command, a length matching the payload,
/// and the reserved/options field zero.
enum ENIPDetector: ProtocolDetector {
    static let app = AppProtocol.enip
    static let transports: [Transport] = [.tcp, .udp]
    static let commands: Set<UInt16> = [0x0001, 0x0004, 0x0063, 0x0064, 0x0065, 0x0066, 0x006F, 0x0070, 0x0072, 0x0073]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 24 else { return .excluded }
        let command = UInt16(b[0]) | UInt16(b[1]) << 8
        let length = Int(b[2]) | Int(b[3]) << 8
        let options = UInt32(b[20]) | UInt32(b[21]) << 8 | UInt32(b[22]) << 16 | UInt32(b[23]) << 24
        guard commands.contains(command), options == 0, 24 + length == b.count else { return .excluded }
        return .detected(.enip)
    }
}
