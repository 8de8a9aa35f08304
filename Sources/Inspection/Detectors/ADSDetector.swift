import Verdicts
import WireBytes

/// Beckhoff ADS over AMS/TCP (TwinCAT PLCs): two zero bytes and the AMS length, then
/// the 32-byte AMS header (target and source AMS NetId and port, command 0 to 9, state
/// flags with the ADS-command bit, a data length that is the rest of the message).
enum ADSDetector: ProtocolDetector {
    static let app = AppProtocol.ads
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 38, b[0] == 0, b[1] == 0 else { return .excluded }
        let length = Int(b.u32le(2))
        guard length >= 32, length <= 1 << 24 else { return .excluded }
        let command = b.u16le(22), flags = b.u16le(24), dataLength = Int(b.u32le(26))
        guard command <= 9, flags & 0x0004 != 0, flags & ~0x00FF == 0, dataLength == length - 32 else { return .excluded }
        return .detected(.ads)
    }
}
