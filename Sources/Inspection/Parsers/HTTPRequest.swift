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

    public static func startsLikeRequest(_ b: UnsafeRawBufferPointer) -> Bool {
        methods.contains { b.hasBytes($0, at: 0) }
    }

    public static func startsLikeResponse(_ b: UnsafeRawBufferPointer) -> Bool {
        b.hasBytes("HTTP/1.", at: 0)
    }

    /// Lines up to the blank line; `.incomplete` until it arrives (within the bound).
    static func headerLines(_ b: UnsafeRawBufferPointer) -> ParseResult<[Substring]> {
        let limit = min(b.count, maxHeaderBytes)
        var end = -1
        var i = 0
        while i + 3 < limit {
            if b[i] == 13, b[i + 1] == 10, b[i + 2] == 13, b[i + 3] == 10 { end = i; break }
            i += 1
        }
        if end < 0 {
            // A request cut short still tells its first lines: use what arrived if it
            // holds whole lines, so Host is not lost to a segment boundary.
            return b.count >= maxHeaderBytes ? .invalid : .incomplete(needed: b.count + 1)
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: b[0 ..< end]), as: UTF8.self)
        return .complete(text.split(separator: "\r\n", omittingEmptySubsequences: false), consumed: end + 4)
    }

    /// Parses what has arrived; with `partial` the headers seen so far are used even
    /// without the blank line.
    public static func parseRequest(_ b: UnsafeRawBufferPointer, partial: Bool = false) -> ParseResult<HTTPRequestInfo> {
        guard startsLikeRequest(b) else { return .invalid }
        var lines: [Substring]
        var consumed = b.count
        switch headerLines(b) {
        case let .complete(l, c): lines = l; consumed = c
        case .invalid: return .invalid
        case let .incomplete(needed):
            guard partial else { return .incomplete(needed: needed) }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: b[0 ..< min(b.count, maxHeaderBytes)]), as: UTF8.self)
            lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
            if !text.hasSuffix("\r\n") { lines.removeLast() }  // a cut line is not trusted
        }
        guard let first = lines.first else { return .invalid }
        let parts = first.split(separator: " ", maxSplits: 2)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/") else { return .invalid }
        var info = HTTPRequestInfo(method: String(parts[0]), target: String(parts[1]), version: String(parts[2]))
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            switch name {
            case "host": info.host = value
            case "user-agent": info.userAgent = value
            case "content-type": info.contentType = value
            case "content-length": info.contentLength = Int(value)
            default: break
            }
        }
        return .complete(info, consumed: consumed)
    }

    public static func parseResponse(_ b: UnsafeRawBufferPointer) -> ParseResult<HTTPResponseInfo> {
        guard startsLikeResponse(b) else { return .invalid }
        let lines: [Substring]
        let consumed: Int
        switch headerLines(b) {
        case let .complete(l, c): lines = l; consumed = c
        case .invalid: return .invalid
        case let .incomplete(needed): return .incomplete(needed: needed)
        }
        guard let first = lines.first else { return .invalid }
        let parts = first.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { return .invalid }
        var info = HTTPResponseInfo(status: status)
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingSpaces
            switch name {
            case "content-type": info.contentType = value
            case "content-length": info.contentLength = Int(value)
            case "content-disposition": info.contentDisposition = value
            default: break
            }
        }
        return .complete(info, consumed: consumed)
    }
}

extension Substring {
    /// The text without leading and trailing spaces or tabs (a header value).
    var trimmingSpaces: String {
        let u = utf8
        var start = u.startIndex, end = u.endIndex
        while start < end, u[start] == 0x20 || u[start] == 0x09 { start = u.index(after: start) }
        while end > start {
            let before = u.index(before: end)
            guard u[before] == 0x20 || u[before] == 0x09 else { break }
            end = before
        }
        return String(self[start ..< end])
    }
}
