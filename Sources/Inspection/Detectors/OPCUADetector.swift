import Verdicts
import WireBytes

/// OPC UA binary (UA TCP): a 3-letter message type, chunk type F/C/A, and a
/// little-endian message size that matches.
enum OPCUADetector: ProtocolDetector {
    static let app = AppProtocol.opcua
    static let transports: [Transport] = [.tcp]
    static let types: [StaticString] = ["HEL", "ACK", "ERR", "RHE", "OPN", "CLO", "MSG"]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 8, types.contains(where: { b.hasBytes($0, at: 0) }), b[3] == 0x46 || b[3] == 0x43 || b[3] == 0x41 else {
            return .excluded
        }
        let size = Int(b.u32le(4))
        return size >= 8 && size <= 16 * 1024 * 1024 && (size <= b.count || p.usesPort(4840)) ? .detected(.opcua) : .excluded
    }
}
