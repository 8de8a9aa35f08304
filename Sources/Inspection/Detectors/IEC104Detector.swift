import Verdicts
import WireBytes

/// IEC 60870-5-104: APCI start 0x68, an APDU length of 4–253 that fits, and a
/// control field of an I-, S- or U-format frame.
enum IEC104Detector: ProtocolDetector {
    static let app = AppProtocol.iec104
    static let transports: [Transport] = [.tcp]
    /// U-format functions: STARTDT/STOPDT/TESTFR act and con.
    static let uFunctions: Set<UInt8> = [0x07, 0x0B, 0x13, 0x23, 0x43, 0x83]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 6 else { return .excluded }
        let length = Int(b[1])
        guard b[0] == 0x68, length >= 4, length <= 253, 2 + length <= b.count else { return .excluded }
        let c = b[2]
        let ok: Bool
        if c & 1 == 0 { ok = length >= 4 }                        // I-format
        else if c & 3 == 1 { ok = length == 4 && b[3] == 0 }      // S-format
        else { ok = length == 4 && uFunctions.contains(c) }       // U-format
        return ok && (p.usesPort(2404) || 2 + length == b.count) ? .detected(.iec104) : .excluded
    }
}
