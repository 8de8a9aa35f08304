import Verdicts
import WireBytes

/// EtherSIO (Ethernet serial and I/O devices): datagrams that begin with the magic
/// `ESIO` and protocol version 1.
enum EtherSIODetector: ProtocolDetector {
    static let app = AppProtocol.ethersio
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 12, b.hasBytes("ESIO", at: 0), b.u16be(4) == 1 else { return .excluded }
        return .detected(.ethersio)
    }
}
