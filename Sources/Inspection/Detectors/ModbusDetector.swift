import Verdicts
import WireBytes

/// Modbus/TCP: the MBAP header (protocol id 0, a length that matches the payload) and
/// any function code (public ones, vendor codes such as Schneider's UMAS 90, exception
/// replies with the high bit set): a scanner probing codes one by one is Modbus too.
/// Off port 502 the length must close the payload exactly.
enum ModbusDetector: ProtocolDetector {
    static let app = AppProtocol.modbus
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 8 else { return .excluded }
        let protocolID = UInt16(b[2]) << 8 | UInt16(b[3])
        let length = Int(b[4]) << 8 | Int(b[5])
        let function = b[7] & 0x7F  // high bit: exception response
        guard protocolID == 0, length >= 2, length <= 254, function != 0 else { return .excluded }
        // One or more whole ADUs; the first must fit.
        guard 6 + length <= b.count else { return .excluded }
        return p.usesPort(502) || 6 + length == b.count ? .detected(.modbus) : .excluded
    }
}
