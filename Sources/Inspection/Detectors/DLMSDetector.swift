import Verdicts
import WireBytes

/// DLMS/COSEM (IEC 62056, electricity and gas meters): HDLC frames of format type 3
/// (`7E A0|len … FCS 7E`, IEC 62056-46) whose frame check sequence (CRC-16/X.25) holds,
/// or the TCP/UDP wrapper of IEC 62056-47 (version 1, two wPorts, a length that is the
/// rest of the message) around a DLMS APDU tag.
enum DLMSDetector: ProtocolDetector {
    static let app = AppProtocol.dlms
    static let transports: [Transport] = [.tcp, .udp]
    /// First bytes of xDLMS APDUs: AARQ/AARE/RLRQ/RLRE, get/set/action requests and
    /// responses, event notification, exception, and the ciphered forms.
    static let apduTags: Set<UInt8> = [0x60, 0x61, 0x62, 0x63, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC7, 0xD8,
                                       0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCF, 0xD0, 0xD1, 0xD3, 0xD5, 0xD7, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        if b.count >= 9, b[0] == 0x7E {
            let frames = messagesFill(b) { at in
                guard b.count - at >= 9, b[at] == 0x7E, b[at + 1] & 0xF8 == 0xA0 else { return nil }
                let length = Int(b[at + 1] & 0x07) << 8 | Int(b[at + 2])
                guard length >= 7, at + length + 2 <= b.count, b[at + length + 1] == 0x7E,
                      crc(b, from: at + 1, count: length - 2) == b.u16le(at + length - 1) else { return nil }
                return length + 2
            }
            guard frames else { return .excluded }
            return .detected(.dlms)
        }
        guard b.count >= 9, b.u16be(0) == 1, Int(b.u16be(6)) == b.count - 8 || p.transport == .tcp && Int(b.u16be(6)) > b.count - 8,
              apduTags.contains(b[8]) else { return .excluded }
        return .detected(.dlms)
    }

    /// CRC-16/X.25 (HDLC's FCS): reflected polynomial 0x1021, initial and final 0xFFFF.
    static func crc(_ b: UnsafeRawBufferPointer, from start: Int, count: Int) -> UInt16 {
        var c: UInt16 = 0xFFFF
        for i in start ..< start + count {
            c ^= UInt16(b[i])
            for _ in 0 ..< 8 { c = c & 1 != 0 ? (c >> 1) ^ 0x8408 : c >> 1 }
        }
        return ~c
    }
}
