import Verdicts
import WireBytes

/// PostgreSQL: the client's first message, a 32-bit length and a request code. Either
/// the exact 8-byte SSL or GSSAPI-encryption request, the 16-byte cancel request, or a
/// StartupMessage of protocol 3 whose NUL-terminated parameter pairs include `user`.
/// The server's one-byte answer to an encryption request counts after the request; on
/// the PostgreSQL port a simple query will also do.
enum PostgreSQLDetector: ProtocolDetector {
    static let app = AppProtocol.postgresql
    static let transports: [Transport] = [.tcp]

    static let sslRequest: UInt32 = 0x04D2_162F
    static let gssRequest: UInt32 = 0x04D2_1630
    static let cancelRequest: UInt32 = 0x04D2_162E

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard let first = b.first else { return .needMore }
        switch first {
        case 0x00:
            return startup(b)
        case 0x53, 0x4E, 0x47:  // 'S', 'N', 'G': the server accepts or refuses encryption
            return b.count == 1 && !p.fromInitiator && p.index >= 1 ? .detected(.postgresql) : .excluded
        case 0x51:  // 'Q'
            return query(p)
        default:
            return .excluded
        }
    }

    static func startup(_ b: UnsafeRawBufferPointer) -> DetectorVerdict {
        let n = b.count
        // A length under 10 000, then a code starting 00 (protocol 3) or 04 (a request).
        if n >= 2, b[1] != 0 { return .excluded }
        if n >= 3, b[2] > 0x27 { return .excluded }
        if n >= 5, b[4] != 0x00, b[4] != 0x04 { return .excluded }
        guard n >= 8 else { return .needMore }
        let length = Int(b.u32be(0))
        let code = b.u32be(4)
        switch code {
        case sslRequest, gssRequest:
            return length == 8 ? .detected(.postgresql) : .excluded
        case cancelRequest:
            guard length == 16 else { return .excluded }
            return n >= 16 ? .detected(.postgresql) : .needMore
        case 0x0003_0000 ... 0x0003_0002:
            return parameters(b, length: length)
        default:
            return .excluded
        }
    }

    /// The StartupMessage's `key\0value\0` pairs and the closing NUL.
    static func parameters(_ b: UnsafeRawBufferPointer, length: Int) -> DetectorVerdict {
        guard length >= 9, length <= 10_000 else { return .excluded }
        let n = b.count
        let end = min(n, length)
        var i = 8
        var sawUser = false
        while i < end {
            if b[i] == 0 {
                return i == length - 1 && sawUser ? .detected(.postgresql) : .excluded
            }
            let keyStart = i
            while i < end, b[i] != 0 {
                guard b[i] > 0x20, b[i] < 0x7F, i - keyStart < 64 else { return .excluded }
                i += 1
            }
            guard i < end else { break }
            let isUser = i - keyStart == 4 && b.hasBytes("user", at: keyStart)
            i += 1
            while i < end, b[i] != 0 {
                guard b[i] >= 0x20, b[i] != 0x7F else { return .excluded }
                i += 1
            }
            guard i < end else { break }
            i += 1
            if isUser { sawUser = true }
        }
        // The bytes ran out: the message goes on in a later segment, unless its length ended here.
        if n >= length { return .excluded }
        return sawUser ? .detected(.postgresql) : .needMore
    }

    /// A simple query (`Q`, length, text, NUL) in one whole message: only on the PostgreSQL port.
    static func query(_ p: PayloadView) -> DetectorVerdict {
        let b = p.bytes
        guard p.usesPort(5432), b.count >= 10 else { return .excluded }
        let length = Int(b.u32be(1))
        guard length >= 9, 1 + length == b.count, b[b.count - 1] == 0 else { return .excluded }
        for i in 5 ..< 9 where !isText(b[i]) { return .excluded }
        return .detected(.postgresql)
    }

    static func isText(_ c: UInt8) -> Bool {
        (c >= 0x20 && c < 0x7F) || c == 0x09 || c == 0x0A || c == 0x0D
    }
}
