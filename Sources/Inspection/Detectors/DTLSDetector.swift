import Verdicts
import WireBytes

/// DTLS over UDP (CoAP over DTLS, LwM2M, VPNs): record header with version 0xFEFF,
/// 0xFEFD or 0xFEFC; the ClientHello gives SNI when unfragmented.
enum DTLSDetector: ProtocolDetector {
    static let app = AppProtocol.dtls
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 13, (20 ... 25).contains(b[0]), b[1] == 0xFE, b[2] >= 0xFC else { return .excluded }
        let length = Int(b[11]) << 8 | Int(b[12])
        guard length + 13 <= b.count else { return .excluded }
        if b[0] == 22, b.count > 13, b[13] == 1, case let .complete(info, _) = TLSHandshake.parseDTLSClientHello(datagram: b) {
            f.hostname = info.serverName
            f.offered = CategoryRules.offered(byALPN: info.alpn)
        }
        return .detected(.dtls)
    }
}
