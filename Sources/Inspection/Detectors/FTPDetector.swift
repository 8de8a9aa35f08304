import Verdicts
import WireBytes

/// FTP control: the server's 220 greeting or a client command, on port 21.
enum FTPDetector: ProtocolDetector {
    static let app = AppProtocol.ftp
    static let transports: [Transport] = [.tcp]
    static let commands: [StaticString] = ["USER ", "PASS ", "AUTH TLS", "SYST", "FEAT", "PASV", "EPSV", "RETR ", "STOR "]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        guard p.usesPort(21) else { return .excluded }
        let b = p.bytes
        if b.hasBytes("220", at: 0) || commands.contains(where: { b.hasBytes($0, at: 0) }) { return .detected(.ftp) }
        return .excluded
    }
}
