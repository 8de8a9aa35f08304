import Verdicts
import WireBytes

/// OpenVPN, on UDP or TCP (a 16-bit length before each packet), on any port: the
/// opcode byte (key id 0) of a hard reset, control or acknowledgement packet, laid out
/// with no authentication, a tls-auth HMAC (MD5, SHA-1, SHA-256 or SHA-512 sizes) or
/// tls-crypt. Whatever the layout, its fields must agree: a replay packet id from 1 to
/// 16 and a packet time from 2012 to 2046, no acknowledgements and packet id 0 in a
/// client reset, one to eight in a server reset, a TLS record inside a control packet.
/// A server reset or a control packet carrying TLS decides; a client reset alone waits
/// for the reply (or for port 1194).
enum OpenVPNDetector: ProtocolDetector {
    static let app = AppProtocol.openvpn
    static let transports: [Transport] = [.udp, .tcp]
    /// tls-auth HMAC sizes; 0: no authentication.
    static let hmacSizes = [0, 20, 32, 64, 16]

    enum Kind { case clientReset, serverReset, control, ack }

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        var start = 0, end = b.count
        if p.transport == .tcp {
            guard b.count >= 3 else { return .excluded }
            let length = Int(b.u16be(0))
            guard length >= 14, length <= 1600 else { return .excluded }
            start = 2
            if 2 + length > b.count { return kind(b[2]) == nil ? .excluded : .needMore }
            end = 2 + length
        }
        guard end - start >= 14, let k = kind(b[start]) else { return .excluded }
        let packet = UnsafeRawBufferPointer(rebasing: b[start ..< end])
        guard fits(packet, k) else { return .excluded }
        switch k {
        case .serverReset, .control: return .detected(.openvpn)
        case .clientReset: return p.usesPort(1194) ? .detected(.openvpn) : .needMore
        case .ack: return .needMore
        }
    }

    /// The packet kind of an opcode byte with key id 0.
    static func kind(_ opcodeByte: UInt8) -> Kind? {
        guard opcodeByte & 0x07 == 0 else { return nil }
        switch opcodeByte >> 3 {
        case 1, 7, 10: return .clientReset
        case 2, 8: return .serverReset
        case 4: return .control
        case 5: return .ack
        default: return nil
        }
    }

    static func plausibleTime(_ t: UInt32) -> Bool { t >= 0x5000_0000 && t < 0x9000_0000 }

    static func fits(_ b: UnsafeRawBufferPointer, _ k: Kind) -> Bool {
        for h in hmacSizes where layoutFits(b, k, hmac: h) { return true }
        // tls-crypt: packet id and time in the clear, then a 32-byte tag and sealed fields.
        if k == .clientReset || k == .serverReset, b.count >= 49, b.count <= 49 + 256 {
            let id = b.u32be(9)
            return id >= 1 && id <= 16 && plausibleTime(b.u32be(13))
        }
        return false
    }

    static func layoutFits(_ b: UnsafeRawBufferPointer, _ k: Kind, hmac h: Int) -> Bool {
        var o = 9
        if h > 0 {
            guard b.count >= o + h + 8 else { return false }
            o += h
            let id = b.u32be(o), time = b.u32be(o + 4)
            guard id >= 1, id <= 16, plausibleTime(time) else { return false }
            o += 8
        }
        guard o < b.count else { return false }
        let acks = Int(b[o])
        o += 1
        switch k {
        case .clientReset: guard acks == 0 else { return false }
        case .serverReset, .ack: guard acks >= 1, acks <= 8 else { return false }
        case .control: guard acks <= 8 else { return false }
        }
        o += 4 * acks + (acks > 0 ? 8 : 0)   // acknowledged ids, then the peer's session id
        if k == .ack { return o == b.count }
        guard o + 4 <= b.count else { return false }
        let messageID = b.u32be(o)
        o += 4
        switch k {
        case .clientReset: return messageID == 0 && b.count - o <= 64
        case .serverReset: return messageID == 0 && b.count - o <= 64
        case .control: return messageID <= 64 && o + 2 <= b.count && b[o] == 0x16 && b[o + 1] == 0x03
        case .ack: return false
        }
    }
}
