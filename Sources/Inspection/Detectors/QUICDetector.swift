import Verdicts
import WireBytes

/// QUIC: IETF long-header packets of version 1, version 2 and the drafts, and Google
/// QUIC (Q0xx): with the IETF header (Q046 and later), or the legacy public header
/// whose CHLO is in clear text and names the server (the SNI tag).
/// Reading the SNI of IETF QUIC needs the Initial packets decrypted (not yet done).
enum QUICDetector: ProtocolDetector {
    static let app = AppProtocol.quic
    static let transports: [Transport] = [.udp]
    static let version1: UInt32 = 0x0000_0001
    static let version2: UInt32 = 0x6B33_43CF

    static func isKnownVersion(_ v: UInt32) -> Bool {
        v == version1 || v == version2 || v & 0xFFFF_FF00 == 0xFF00_0000     // drafts
            || v >> 16 == 0x5130 || v >> 16 == 0x5430                         // gQUIC "Q0xx", "T0xx"
            || v & 0x0F0F_0F0F == 0x0A0A_0A0A                                 // reserved (negotiation grease)
            || v == 0
    }

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 7 else { return .excluded }
        if b[0] & 0x80 != 0 {
            guard b[0] & 0x40 != 0 || b.count >= 1200 else { return .excluded }
            let version = b.u32be(1)
            guard isKnownVersion(version) else { return .excluded }
            let dcidLength = Int(b[5])
            guard dcidLength <= 20, 6 + dcidLength < b.count else { return .excluded }
            let scidLength = Int(b[6 + dcidLength])
            guard scidLength <= 20, 7 + dcidLength + scidLength <= b.count else { return .excluded }
            return .detected(.quic)
        }
        // Legacy gQUIC public header: flags (0x01 version present, 0x08 8-byte CID),
        // then the CID and the version.
        let flags = b[0]
        guard flags & 0x01 != 0, flags & 0x08 != 0, b.count >= 13, b[9] == 0x51, b[10] == 0x30 else { return .excluded }
        if let sni = gquicSNI(b) { f.hostname = sni }
        return .detected(.quic)
    }

    /// The SNI tag of a gQUIC CHLO (clear text after a legacy header, or inside a
    /// decrypted Q050 Initial): "CHLO", tag count, then (tag, end offset) pairs and the values.
    static func gquicSNI(_ b: UnsafeRawBufferPointer, from start: Int = 13) -> String? {
        var i = start
        while i + 8 <= b.count, !b.hasBytes("CHLO", at: i) { i += 1 }
        guard i + 8 <= b.count else { return nil }
        let tags = Int(b.u16le(i + 4))
        let table = i + 8
        let values = table + tags * 8
        guard tags <= 64, values <= b.count else { return nil }
        var start = 0
        for t in 0 ..< tags {
            let end = Int(b.u32le(table + t * 8 + 4))
            guard end >= start, values + end <= b.count else { return nil }
            if b.hasBytes("SNI\u{0}", at: table + t * 8) {
                return String(decoding: UnsafeRawBufferPointer(rebasing: b[values + start ..< values + end]), as: UTF8.self)
            }
            start = end
        }
        return nil
    }
}
