import Verdicts
import WireBytes

/// Redis (RESP): a client command sent as an array of bulk strings whose first element
/// is a command name in letters — `*<count>\r\n$<length>\r\n<NAME>\r\n`. On the Redis
/// port an inline command (`PING`, `AUTH`, `HELLO` ...) or a typical server reply
/// (`+OK`, `-ERR`, `:1`, `$-1`, `*3`) will also do.
enum RedisDetector: ProtocolDetector {
    static let app = AppProtocol.redis
    static let transports: [Transport] = [.tcp]
    static let inlineCommands: [StaticString] = ["ping", "auth", "hello", "info", "quit", "select", "echo", "client", "config", "command"]
    static let errorPrefixes: [StaticString] = ["-ERR ", "-NOAUTH ", "-WRONGPASS ", "-WRONGTYPE ", "-MOVED ", "-LOADING ", "-NOPERM "]

    enum Read {
        case value(Int, next: Int)
        case partial
        case invalid
    }

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard let first = b.first else { return .needMore }
        if first == 0x2A {  // '*'
            let v = commandArray(b)
            if v != .excluded { return v }
        }
        guard p.usesPort(6379) else {
            // A server's reply seen first: wait for the client's command.
            return b.hasBytes("+OK\r\n", at: 0) || b.hasBytes("+PONG\r\n", at: 0) ? .needMore : .excluded
        }
        return onRedisPort(b, first)
    }

    /// `*<count>\r\n$<length>\r\n<command>\r\n`.
    static func commandArray(_ b: UnsafeRawBufferPointer) -> DetectorVerdict {
        switch number(b, from: 1, maxDigits: 5) {
        case .partial: return .needMore
        case .invalid: return .excluded
        case let .value(count, next: i):
            guard count >= 1 else { return .excluded }
            guard i < b.count else { return .needMore }
            guard b[i] == 0x24 else { return .excluded }  // '$'
            switch number(b, from: i + 1, maxDigits: 3) {
            case .partial: return .needMore
            case .invalid: return .excluded
            case let .value(length, next: j):
                guard length >= 1, length <= 64 else { return .excluded }
                let stop = min(b.count, j + length)
                var k = j
                while k < stop {
                    if !isNameByte(b[k], first: k == j) { return .excluded }
                    k += 1
                }
                if j + length + 2 > b.count {
                    // Cut off: the name so far fits; a CR already here must be in place.
                    if j + length < b.count, b[j + length] != 0x0D { return .excluded }
                    return .needMore
                }
                return b[j + length] == 0x0D && b[j + length + 1] == 0x0A ? .detected(.redis) : .excluded
            }
        }
    }

    /// Decimal digits (1 to `maxDigits`) and CRLF, from `start`.
    static func number(_ b: UnsafeRawBufferPointer, from start: Int, maxDigits: Int) -> Read {
        var i = start
        var value = 0
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 {
            guard i - start < maxDigits else { return .invalid }
            value = value * 10 + Int(b[i] - 0x30)
            i += 1
        }
        if i >= b.count { return .partial }
        guard i > start, b[i] == 0x0D else { return .invalid }
        if i + 1 >= b.count { return .partial }
        guard b[i + 1] == 0x0A else { return .invalid }
        return .value(value, next: i + 2)
    }

    /// Letters first; then letters, `.` and `_` (module commands such as `JSON.SET`).
    static func isNameByte(_ c: UInt8, first: Bool) -> Bool {
        let letter = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
        return letter || (!first && (c == 0x2E || c == 0x5F))
    }

    /// Weaker evidence, trusted on the Redis port only.
    static func onRedisPort(_ b: UnsafeRawBufferPointer, _ first: UInt8) -> DetectorVerdict {
        switch first {
        case 0x2B:  // '+': a status reply
            return b.hasBytes("+OK\r\n", at: 0) || b.hasBytes("+PONG\r\n", at: 0) || b.hasBytes("+QUEUED\r\n", at: 0)
                ? .detected(.redis) : .excluded
        case 0x2D:  // '-': an error reply
            return errorPrefixes.contains { b.hasBytes($0, at: 0) } ? .detected(.redis) : .excluded
        case 0x3A, 0x24, 0x25, 0x2A:  // ':', '$', '%', '*': an integer, bulk string, map or array reply
            let start = first == 0x24 && b.count > 1 && b[1] == 0x2D ? 2 : 1  // `$-1`: a null bulk string
            if case .value = number(b, from: start, maxDigits: 10) { return .detected(.redis) }
            return .excluded
        default:
            // An inline command: a known word, then a space or CRLF.
            var end = 0
            while end < b.count, end < 8, isNameByte(b[end], first: end == 0) { end += 1 }
            guard end > 0, end < b.count, b[end] == 0x20 || b[end] == 0x0D else { return .excluded }
            return inlineCommands.contains { HTTPMessage.nameIs(b, 0 ..< end, $0) } ? .detected(.redis) : .excluded
        }
    }
}
