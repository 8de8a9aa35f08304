import Verdicts
import WireBytes

/// DTLS over UDP (CoAP over DTLS, LwM2M, VPNs): record header with version 0xFEFF,
/// 0xFEFD or 0xFEFC, or 0x0100, the pre-standard DTLS that Cisco AnyConnect still speaks
/// (its handshake and change-cipher-spec records only, with the record length checked);
/// the ClientHello gives SNI when unfragmented.
enum DTLSDetector: ProtocolDetector {
    static let app = AppProtocol.dtls
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 13, (20 ... 25).contains(b[0]) else { return .excluded }
        let length = Int(b[11]) << 8 | Int(b[12])
        guard length + 13 <= b.count else { return .excluded }
        if b[1] == 0x01, b[2] == 0x00 {
            // The pre-standard version: a handshake whose message length fits its record.
            guard b[0] == 20 || b[0] == 22, length >= 1, b[0] == 20 || length >= 12 && Int(b.u32be(13) & 0xFF_FFFF) + 12 <= length else { return .excluded }
            return .detected(.dtls)
        }
        guard b[1] == 0xFE, b[2] >= 0xFC else { return .excluded }
        if b[0] == 22, b.count > 13, b[13] == 1, case let .complete(info, _) = TLSHandshake.parseDTLSClientHello(datagram: b) {
            f.hostname = info.serverName
            f.offered = CategoryRules.offered(byALPN: info.alpn)
        }
        return .detected(.dtls)
    }
}
