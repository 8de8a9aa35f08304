import Verdicts
import WireBytes

/// WireGuard: a message type 1 to 4 and three zero bytes, then each type's exact size
/// (handshake initiation 148, response 92, cookie reply 64) or, for transport data, a
/// length that is a multiple of 16 and a small counter, over several datagrams. Also
/// Tailscale's discovery packets (`TS💬`, a key, a nonce and a sealed box), which share
/// the WireGuard flow.
enum WireGuardDetector: ProtocolDetector {
    static let app = AppProtocol.wireguard
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        if b.count >= 80, b.hasBytes("TS\u{1F4AC}", at: 0) { return .detected(.wireguard) }
        guard b.count >= 32, (1 ... 4).contains(b[0]), b[1] == 0, b[2] == 0, b[3] == 0 else { return .excluded }
        switch b[0] {
        case 1: return b.count == 148 ? (p.usesPort(51820) ? .detected(.wireguard) : .needMore) : .excluded
        case 2: return b.count == 92 ? .detected(.wireguard) : .excluded
        case 3: return b.count == 64 ? .detected(.wireguard) : .excluded
        default:
            // Transport data: padded plaintext plus a 16-byte tag, counter below 2^48.
            guard b.count % 16 == 0, b.u32le(12) < 0x1_0000 else { return .excluded }
            return p.index >= 2 ? .detected(.wireguard) : .needMore
        }
    }
}
