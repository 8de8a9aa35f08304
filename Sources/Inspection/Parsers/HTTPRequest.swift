/// The request line and the headers a flow record needs, from the first bytes of an
/// HTTP/1.x request; bounded by `maxHeaderBytes`.
public struct HTTPRequestInfo: Sendable, Equatable {
    public var method = ""
    public var target = ""
    public var version = ""
    public var host: String?
    public var userAgent: String?
    public var contentType: String?
    public var contentLength: Int?

    public init(method: String = "", target: String = "", version: String = "", host: String? = nil,
                userAgent: String? = nil, contentType: String? = nil, contentLength: Int? = nil) {
        self.method = method
        self.target = target
        self.version = version
        self.host = host
        self.userAgent = userAgent
        self.contentType = contentType
        self.contentLength = contentLength
    }
}

public struct HTTPResponseInfo: Sendable, Equatable {
    public var status = 0
    public var contentType: String?
    public var contentLength: Int?
    public var contentDisposition: String?
}

public enum HTTPMessage {
    public static let maxHeaderBytes = 16 * 1024
    public static let methods: [StaticString] = ["GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "]

    /// Bit n: some method starts with the byte 0x40 + n (all are upper-case ASCII).
    static let methodInitials: UInt32 = methods.reduce(0) { $0 | 1 << UInt32($1.utf8Start.pointee & 0x1F) }

    public static func startsLikeRequest(_ b: UnsafeRawBufferPointer) -> Bool {
        // Body bytes of a flow already found to be HTTP are asked too: most are ruled
        // out by their first byte before the methods are compared.
        guard let first = b.first, first & 0xE0 == 0x40, methodInitials & (1 << UInt32(first & 0x1F)) != 0 else { return false }
        return methods.contains { b.hasBytes($0, at: 0) }
    }

    public static func startsLikeResponse(_ b: UnsafeRawBufferPointer) -> Bool {
        b.hasBytes("HTTP/1.", at: 0)
    }

    /// Where the header block ends (the blank line), within the bound; `.incomplete`
    /// until it arrives.
    static func headerEnd(_ b: UnsafeRawBufferPointer) -> ParseResult<Int> {
        let limit = min(b.count, maxHeaderBytes)
        var i = 0
        while i + 3 < limit {
            if b[i] == 13, b[i + 1] == 10, b[i + 2] == 13, b[i + 3] == 10 { return .complete(i, consumed: i + 4) }
            i += 1
        }
        return b.count >= maxHeaderBytes ? .invalid : .incomplete(needed: b.count + 1)
    }

    /// The CRLF-separated lines of `b[0 ..< end]` as byte ranges, in place (no strings).
    /// With `dropCutLine`, a last line without its CRLF is not trusted.
    static func forEachLine(_ b: UnsafeRawBufferPointer, end: Int, dropCutLine: Bool = false, _ body: (Range<Int>) -> Void) {
        var start = 0
        var i = 0
        while i + 1 < end {
            if b[i] == 13, b[i + 1] == 10 {
                body(start ..< i)
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        if !dropCutLine || start == end { body(start ..< end) }
    }

    /// The first line's fields split on spaces: at most three, the third takes the rest.
    static func startLineFields(_ b: UnsafeRawBufferPointer, _ line: Range<Int>) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        var i = line.lowerBound
        while i < line.upperBound, fields.count < 3 {
            while i < line.upperBound, b[i] == 0x20 { i += 1 }
            guard i < line.upperBound else { break }
            if fields.count == 2 { fields.append(i ..< line.upperBound); break }
            let start = i
            while i < line.upperBound, b[i] != 0x20 { i += 1 }
            fields.append(start ..< i)
        }
        return fields
    }

    /// A header line's name (compared without case) and trimmed value, in place.
    static func header(_ b: UnsafeRawBufferPointer, _ line: Range<Int>) -> (name: Range<Int>, value: Range<Int>)? {
        var colon = line.lowerBound
        while colon < line.upperBound, b[colon] != 0x3A { colon += 1 }
        guard colon < line.upperBound else { return nil }
        var start = colon + 1, end = line.upperBound
        while start < end, b[start] == 0x20 || b[start] == 0x09 { start += 1 }
        while end > start, b[end - 1] == 0x20 || b[end - 1] == 0x09 { end -= 1 }
        return (line.lowerBound ..< colon, start ..< end)
    }

    /// Whether `b[range]` is `lowercaseName`, ignoring ASCII case.
    static func nameIs(_ b: UnsafeRawBufferPointer, _ range: Range<Int>, _ lowercaseName: StaticString) -> Bool {
        guard range.count == lowercaseName.utf8CodeUnitCount else { return false }
        let name = lowercaseName.utf8Start
        for k in 0 ..< range.count {
            var c = b[range.lowerBound + k]
            if c >= 0x41, c <= 0x5A { c |= 0x20 }
            if c != name[k] { return false }
        }
        return true
    }

    static func text(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: b[r]), as: UTF8.self)
    }

    /// A decimal value: plain digits read in place; anything else (a sign, a number too
    /// long for the fast path) is left to `Int(String)`, as the header text says it.
    static func integer(_ b: UnsafeRawBufferPointer, _ r: Range<Int>) -> Int? {
        guard r.count <= 18, r.allSatisfy({ b[$0] >= 0x30 && b[$0] <= 0x39 }) else { return Int(text(b, r)) }
        return r.isEmpty ? nil : r.reduce(0) { $0 * 10 + Int(b[$1] - 0x30) }
    }

    /// Parses what has arrived; with `partial` the headers seen so far are used even
    /// without the blank line.
    public static func parseRequest(_ b: UnsafeRawBufferPointer, partial: Bool = false) -> ParseResult<HTTPRequestInfo> {
        guard startsLikeRequest(b) else { return .invalid }
        var end: Int
        var consumed = b.count
        var dropCutLine = false
        switch headerEnd(b) {
        case let .complete(e, c): end = e; consumed = c
        case .invalid: return .invalid
        case let .incomplete(needed):
            guard partial else { return .incomplete(needed: needed) }
            end = min(b.count, maxHeaderBytes)
            dropCutLine = true
        }
        var info = HTTPRequestInfo()
        var first = true
        var valid = true
        forEachLine(b, end: end, dropCutLine: dropCutLine) { line in
            guard valid else { return }
            if first {
                first = false
                let parts = startLineFields(b, line)
                guard parts.count == 3, b.hasBytes("HTTP/", at: parts[2].lowerBound) else { valid = false; return }
                info.method = text(b, parts[0])
                info.target = text(b, parts[1])
                info.version = text(b, parts[2])
                return
            }
            guard let (name, value) = header(b, line) else { return }
            if nameIs(b, name, "host") { info.host = text(b, value) }
            else if nameIs(b, name, "user-agent") { info.userAgent = text(b, value) }
            else if nameIs(b, name, "content-type") { info.contentType = text(b, value) }
            else if nameIs(b, name, "content-length") { info.contentLength = integer(b, value) }
        }
        guard valid, !first else { return .invalid }
        return .complete(info, consumed: consumed)
    }

    public static func parseResponse(_ b: UnsafeRawBufferPointer) -> ParseResult<HTTPResponseInfo> {
        guard startsLikeResponse(b) else { return .invalid }
        let end: Int
        let consumed: Int
        switch headerEnd(b) {
        case let .complete(e, c): end = e; consumed = c
        case .invalid: return .invalid
        case let .incomplete(needed): return .incomplete(needed: needed)
        }
        var info = HTTPResponseInfo()
        var first = true
        var valid = true
        forEachLine(b, end: end) { line in
            guard valid else { return }
            if first {
                first = false
                let parts = startLineFields(b, line)
                guard parts.count >= 2, let status = integer(b, parts[1]) else { valid = false; return }
                info.status = status
                return
            }
            guard let (name, value) = header(b, line) else { return }
            if nameIs(b, name, "content-type") { info.contentType = text(b, value) }
            else if nameIs(b, name, "content-length") { info.contentLength = integer(b, value) }
            else if nameIs(b, name, "content-disposition") { info.contentDisposition = text(b, value) }
        }
        guard valid, !first else { return .invalid }
        return .complete(info, consumed: consumed)
    }
}

