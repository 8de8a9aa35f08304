import Verdicts
import WireBytes

/// MySQL and MariaDB: packets are a 24-bit little-endian length and a sequence number.
/// The server speaks first with its greeting (protocol 10, a version string that starts
/// with a digit, the thread id, the first salt part and a zero filler); the client
/// answers with a handshake response or a TLS request (protocol-4.1 capability, then 23
/// reserved zero bytes). On the MySQL port an error greeting or a plain query will also do.
enum MySQLDetector: ProtocolDetector {
    static let app = AppProtocol.mysql
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        let n = b.count
        guard n >= 1 else { return .needMore }
        // The opening packets are under 64 KiB, with sequence number 0 or 1.
        if n >= 3, b[2] != 0 { return .excluded }
        if n >= 4, b[3] > 1 { return .excluded }
        guard n >= 5 else { return .needMore }
        let length = Int(b[0]) | Int(b[1]) << 8
        guard length >= 1 else { return .excluded }
        if b[3] == 1 { return handshakeResponse(b, length: length) }
        switch b[4] {
        case 0x0A: return greeting(b, length: length)
        case 0xFF: return errorGreeting(p, length: length)
        case 0x03: return query(p, length: length)
        default: return .excluded
        }
    }

    /// The server greeting, protocol 10.
    static func greeting(_ b: UnsafeRawBufferPointer, length: Int) -> DetectorVerdict {
        guard length >= 20, length <= 1024 else { return .excluded }
        let n = b.count
        let end = 4 + length
        let limit = min(n, end)
        // Version: printable, starting with a digit, NUL-terminated.
        var i = 5
        while i < limit, b[i] != 0 {
            let c = b[i]
            guard c >= 0x20, c < 0x7F, i - 5 < 64 else { return .excluded }
            if i == 5, c < 0x30 || c > 0x39 { return .excluded }
            i += 1
        }
        guard i < limit else { return n < end ? .needMore : .excluded }
        guard i > 5 else { return .excluded }
        // Thread id (4 bytes) and the first 8 salt bytes, then a zero filler.
        let filler = i + 13
        guard filler < end else { return .excluded }
        guard filler < n else { return .needMore }
        return b[filler] == 0 ? .detected(.mysql) : .excluded
    }

    /// A greeting that refuses the client (`ff`, an error code, its message): only on
    /// the MySQL port.
    static func errorGreeting(_ p: PayloadView, length: Int) -> DetectorVerdict {
        let b = p.bytes
        guard p.usesPort(3306), length >= 4, length <= 512 else { return .excluded }
        guard b.count >= 8 else { return .needMore }
        let code = b.u16le(5)
        guard code >= 1000, code < 5000, isText(b[7]) else { return .excluded }
        return 4 + length <= b.count ? .detected(.mysql) : .needMore
    }

    /// A query (command 3 and its text) in one whole packet: only on the MySQL port.
    static func query(_ p: PayloadView, length: Int) -> DetectorVerdict {
        let b = p.bytes
        guard p.usesPort(3306), length >= 5, 4 + length == b.count else { return .excluded }
        for i in 5 ..< 9 where !isText(b[i]) { return .excluded }
        return .detected(.mysql)
    }

    /// The client's handshake response or TLS request (sequence number 1).
    static func handshakeResponse(_ b: UnsafeRawBufferPointer, length: Int) -> DetectorVerdict {
        guard length >= 32 else { return .excluded }
        let n = b.count
        // Capabilities include protocol 4.1; a character set is named.
        if n >= 6, b[5] & 0x02 == 0 { return .excluded }
        if n >= 13, b[12] == 0 { return .excluded }
        // Then 23 reserved bytes, all zero.
        var i = 13
        while i < min(n, 36) {
            if b[i] != 0 { return .excluded }
            i += 1
        }
        return n >= 36 ? .detected(.mysql) : .needMore
    }

    static func isText(_ c: UInt8) -> Bool {
        (c >= 0x20 && c < 0x7F) || c == 0x09 || c == 0x0A || c == 0x0D
    }
}
