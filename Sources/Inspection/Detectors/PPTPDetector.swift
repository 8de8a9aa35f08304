import Verdicts
import WireBytes

/// PPTP's control connection: messages `length BE16 | type 1 (control) | magic cookie
/// 0x1A2B3C4D`, whose length covers the message. Its data channel is GRE.
enum PPTPDetector: ProtocolDetector {
    static let app = AppProtocol.pptp
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 8 else { return .excluded }
        let length = Int(b.u16be(0))
        guard b.u16be(2) == 1, b.u32be(4) == 0x1A2B_3C4D, length >= 16, length <= 1024 else { return .excluded }
        return length <= b.count ? .detected(.pptp) : .needMore
    }
}
