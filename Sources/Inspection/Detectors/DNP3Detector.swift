import Verdicts
import WireBytes

/// DNP3 link layer: start bytes 0x05 0x64, a length of at least 5, and a header CRC
/// (CRC-16/DNP) that checks.
enum DNP3Detector: ProtocolDetector {
    static let app = AppProtocol.dnp3
    static let transports: [Transport] = [.tcp, .udp]

    static func crc(_ b: UnsafeRawBufferPointer, _ range: Range<Int>) -> UInt16 {
        var crc: UInt16 = 0
        for i in range {
            crc ^= UInt16(b[i])
            for _ in 0 ..< 8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA6BC : crc >> 1 }
        }
        return ~crc
    }

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 10 else { return b.count >= 2 && b[0] == 0x05 && b[1] == 0x64 ? .needMore : .excluded }
        guard b[0] == 0x05, b[1] == 0x64, b[2] >= 5 else { return .excluded }
        let stored = UInt16(b[8]) | UInt16(b[9]) << 8
        return crc(b, 0 ..< 8) == stored ? .detected(.dnp3) : .excluded
    }
}
