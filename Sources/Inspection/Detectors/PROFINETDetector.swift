import Verdicts
import WireBytes

/// PROFINET IO's connectionless DCE/RPC (context management, record reads and writes):
/// an RPC version 4 header whose interface UUID is one of PROFINET IO's
/// (DEA0000n-6C97-11D1-8271-00A02442DF7D: device, controller, supervisor, parameter
/// server), in the byte order the header's data representation says.
enum PROFINETDetector: ProtocolDetector {
    static let app = AppProtocol.profinet
    static let transports: [Transport] = [.udp]
    static let uuidTail: [UInt8] = [0x82, 0x71, 0x00, 0xA0, 0x24, 0x42, 0xDF, 0x7D]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 80, b[0] == 4, b[1] <= 12 else { return .excluded }
        let little = b[4] & 0x10 != 0
        // The interface UUID at offset 24: its first three fields in the header's order.
        let first = b.u32(24, bigEndian: !little), second = b.u16(28, bigEndian: !little), third = b.u16(30, bigEndian: !little)
        guard (0xDEA0_0001 ... 0xDEA0_0004).contains(first), second == 0x6C97, third == 0x11D1,
              (0 ..< 8).allSatisfy({ b[32 + $0] == uuidTail[$0] }) else { return .excluded }
        return .detected(.profinet)
    }
}
