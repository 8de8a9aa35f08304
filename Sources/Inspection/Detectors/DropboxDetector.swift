import Verdicts
import WireBytes

/// Dropbox LAN sync discovery: a UDP broadcast of a JSON object that names the host
/// (`host_int`) with its display name and shared folders (`namespaces`). Between two
/// LAN sync ports (17500) the host key alone will do.
enum DropboxDetector: ProtocolDetector {
    static let app = AppProtocol.dropbox
    static let transports: [Transport] = [.udp]
    /// How far into the datagram the keys are looked for.
    static let scanBytes = 2048

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 20, b[0] == 0x7B else { return .excluded }  // '{'
        guard contains(b, "\"host_int\"") else { return .excluded }
        if p.sourcePort == 17500, p.destinationPort == 17500 { return .detected(.dropbox) }
        return contains(b, "\"namespaces\"") && contains(b, "\"displayname\"") ? .detected(.dropbox) : .excluded
    }

    /// Whether `literal` occurs in the first `scanBytes` of `b`.
    static func contains(_ b: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let length = literal.utf8CodeUnitCount
        let limit = min(b.count, scanBytes)
        guard length > 0, limit >= length else { return false }
        let lead = literal.utf8Start.pointee
        for i in 0 ... limit - length where b[i] == lead && b.hasBytes(literal, at: i) {
            return true
        }
        return false
    }
}
