import Verdicts
import WireBytes

/// Modbus/TCP: the MBAP header (protocol id 0, a length that matches the payload) and
/// a public function code.
enum ModbusDetector: ProtocolDetector {
    static let app = AppProtocol.modbus
    static let transports: [Transport] = [.tcp]
    static let functions: Set<UInt8> = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 15, 16, 17, 20, 21, 22, 23, 24, 43]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 8 else { return .excluded }
        let protocolID = UInt16(b[2]) << 8 | UInt16(b[3])
        let length = Int(b[4]) << 8 | Int(b[5])
        let function = b[7] & 0x7F  // high bit: exception response
        guard protocolID == 0, length >= 2, length <= 254, functions.contains(function) else { return .excluded }
        // One or more whole ADUs; the first must fit.
        guard 6 + length <= b.count else { return .excluded }
        return p.usesPort(502) || 6 + length == b.count ? .detected(.modbus) : .excluded
    }
}
