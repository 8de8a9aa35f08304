import Verdicts
import WireBytes

/// WebDAV (and CalDAV/CardDAV) over HTTP/1.x: a request line whose method is one of
/// WebDAV's (PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK, UNLOCK, REPORT, SEARCH,
/// MKCALENDAR, ACL), a target and `HTTP/1.`; or an ordinary request carrying headers
/// only WebDAV uses (Depth, Overwrite, Lock-Token, `Translate: f`) or a WebDAV client's
/// User-Agent; or a `207 Multi-Status` response, or one announcing DAV support. The
/// Host header names the server.
enum WebDAVDetector: ProtocolDetector {
    static let app = AppProtocol.webdav
    static let transports: [Transport] = [.tcp]
    static let methods: [StaticString] = [
        "PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ", "MOVE ", "LOCK ", "UNLOCK ", "REPORT ", "SEARCH ", "MKCALENDAR ", "ACL ",
    ]
    /// User-Agent fragments of WebDAV clients (lower case).
    static let clients: [StaticString] = ["webdav", "davclnt", "davfs2", "cadaver", "litmus"]

    enum Line { case complete, incomplete, invalid }

    struct Headers {
        var host: Range<Int>?
        var evidence = false
        var complete = false
    }

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard let first = b.first, first >= 0x41, first <= 0x5A else { return .excluded }
        if first == 0x48, b.hasBytes("HTTP/1.", at: 0) { return response(b) }
        var methodLength = 0
        for m in methods where b.hasBytes(m, at: 0) {
            methodLength = m.utf8CodeUnitCount
            break
        }
        if methodLength > 0 {
            switch requestLine(b, targetAt: methodLength) {
            case .invalid: return .excluded
            case .incomplete: return .needMore
            case .complete:
                let h = scanHeaders(b, response: false)
                if let host = h.host {
                    name(b, host, &f)
                    return .detected(.webdav)
                }
                // Host may sit in a later segment: wait a little for it.
                return h.complete || p.index >= 3 ? .detected(.webdav) : .needMore
            }
        }
        if HTTPMessage.startsLikeRequest(b) {
            let h = scanHeaders(b, response: false)
            guard h.evidence else { return h.complete ? .excluded : .needMore }
            if let host = h.host { name(b, host, &f) }
            return .detected(.webdav)
        }
        return couldBeMethod(b) ? .needMore : .excluded
    }

    /// After the method: a target without spaces, then ` HTTP/1.`.
    static func requestLine(_ b: UnsafeRawBufferPointer, targetAt start: Int) -> Line {
        let n = b.count
        var i = start
        while i < n, b[i] > 0x20, b[i] != 0x7F {
            guard i - start < 8192 else { return .invalid }
            i += 1
        }
        guard i > start || i == n else { return .invalid }
        if i == n { return .incomplete }
        if b.hasBytes(" HTTP/1.", at: i) { return .complete }
        return isPrefix(b, from: i, of: " HTTP/1.") ? .incomplete : .invalid
    }

    /// Whether `b[from...]` is a proper prefix of `literal`.
    static func isPrefix(_ b: UnsafeRawBufferPointer, from: Int, of literal: StaticString) -> Bool {
        let rest = b.count - from
        guard rest >= 0, rest < literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { lit in
            for k in 0 ..< rest where lit[k] != b[from + k] { return false }
            return true
        }
    }

    /// Whether the bytes so far could still grow into a WebDAV method and its space.
    static func couldBeMethod(_ b: UnsafeRawBufferPointer) -> Bool {
        methods.contains { isPrefix(b, from: 0, of: $0) }
    }

    /// `207 Multi-Status`, or headers announcing DAV (`DAV:`, `MS-Author-Via: DAV`).
    static func response(_ b: UnsafeRawBufferPointer) -> DetectorVerdict {
        guard b.count >= 13 else { return .needMore }
        if b[8] == 0x20, b.hasBytes("207", at: 9), b[12] == 0x20 || b[12] == 0x0D { return .detected(.webdav) }
        let h = scanHeaders(b, response: true)
        if h.evidence { return .detected(.webdav) }
        return h.complete ? .excluded : .needMore
    }

    /// The header lines after the first: where Host's value is, and whether any header
    /// only WebDAV uses is there.
    static func scanHeaders(_ b: UnsafeRawBufferPointer, response: Bool) -> Headers {
        var h = Headers()
        var end = min(b.count, HTTPMessage.maxHeaderBytes)
        switch HTTPMessage.headerEnd(b) {
        case let .complete(e, _):
            end = e
            h.complete = true
        case .invalid:
            h.complete = true  // too long to wait for
        case .incomplete:
            break
        }
        var first = true
        HTTPMessage.forEachLine(b, end: end, dropCutLine: !h.complete) { line in
            if first {
                first = false
                return
            }
            guard let (name, value) = HTTPMessage.header(b, line) else { return }
            if response {
                if HTTPMessage.nameIs(b, name, "dav")
                    || (HTTPMessage.nameIs(b, name, "ms-author-via") && containsLowercase(b, value, "dav")) {
                    h.evidence = true
                }
                return
            }
            if HTTPMessage.nameIs(b, name, "host") {
                h.host = value
            } else if HTTPMessage.nameIs(b, name, "depth") || HTTPMessage.nameIs(b, name, "overwrite")
                        || HTTPMessage.nameIs(b, name, "lock-token") {
                h.evidence = true
            } else if HTTPMessage.nameIs(b, name, "translate") {
                if value.count == 1, b[value.lowerBound] | 0x20 == 0x66 { h.evidence = true }  // `f`
            } else if HTTPMessage.nameIs(b, name, "user-agent") {
                if clients.contains(where: { containsLowercase(b, value, $0) }) { h.evidence = true }
            }
        }
        return h
    }

    /// Whether `b[range]` contains `needle` (lower case), ignoring ASCII case.
    static func containsLowercase(_ b: UnsafeRawBufferPointer, _ range: Range<Int>, _ needle: StaticString) -> Bool {
        let length = needle.utf8CodeUnitCount
        guard length > 0, range.count >= length else { return false }
        return needle.withUTF8Buffer { lit in
            var i = range.lowerBound
            while i + length <= range.upperBound {
                var k = 0
                while k < length {
                    var c = b[i + k]
                    if c >= 0x41, c <= 0x5A { c |= 0x20 }
                    if c != lit[k] { break }
                    k += 1
                }
                if k == length { return true }
                i += 1
            }
            return false
        }
    }

    static func name(_ b: UnsafeRawBufferPointer, _ host: Range<Int>, _ f: inout DetectorFindings) {
        guard !host.isEmpty else { return }
        f.hostname = HTTPDetector.stripPort(HTTPMessage.text(b, host))
    }
}
