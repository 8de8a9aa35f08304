import Verdicts
import WireBytes

/// HTTP/1.x: a request line and headers (Host, path), or a status line. A firmware
/// download shows in the path, the Content-Type or the Content-Disposition.
enum HTTPDetector: ProtocolDetector {
    static let app = AppProtocol.http
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        if HTTPMessage.startsLikeRequest(b) {
            let result = HTTPMessage.parseRequest(b, partial: true)
            guard let req = result.value else { return .needMore }
            if let host = req.host { f.hostname = stripPort(host) }
            if req.method == "CONNECT" { f.hostname = stripPort(req.target) }
            // A proxy request names the origin in the target: GET http://host/path.
            if req.host == nil, req.target.hasPrefix("http://"), let host = req.target.dropFirst(7).split(separator: "/").first {
                f.hostname = stripPort(String(host))
            }
            if req.target.hasSuffix("/dns-query") || req.target.hasPrefix("/dns-query?") || req.contentType == "application/dns-message" {
                return .detected(.doh)
            }
            if CategoryRules.namesFirmware(req.target) { f.category = .firmwareUpdate }
            // Host may sit in a later segment: keep looking while it is missing.
            if f.hostname == nil, case .incomplete = HTTPMessage.parseRequest(b) { return .needMore }
            return .detected(.http)
        }
        if HTTPMessage.startsLikeResponse(b) {
            if let resp = HTTPMessage.parseResponse(b).value {
                f.finished = true  // request and response seen: nothing more to learn
                let type = resp.contentType?.lowercased() ?? ""
                let binary = type.hasPrefix("application/octet-stream") || type.hasPrefix("application/x-firmware")
                if binary, CategoryRules.namesFirmware(resp.contentDisposition ?? "") || type.hasSuffix("firmware") || (resp.contentLength ?? 0) > 65536 {
                    f.category = .firmwareUpdate
                }
            }
            return .detected(.http)
        }
        // Body bytes of a flow already known to be HTTP: wait for the response head
        // a few packets, then stop following.
        if p.index >= 6 { f.finished = true }
        return b.count < 8 ? .needMore : .excluded
    }

    /// `host:port` → `host`; `[v6]:port` → `v6`. On UTF-8 bytes: walking Characters
    /// cost more than the rest of the request's parse.
    static func stripPort(_ host: String) -> String {
        let u = host.utf8
        if u.first == 0x5B {
            let inner = u.index(after: u.startIndex)
            return String(host[inner ..< (u[inner...].firstIndex(of: 0x5D) ?? u.endIndex)])
        }
        if let colon = u.firstIndex(of: 0x3A), u.lastIndex(of: 0x3A) == colon { return String(host[..<colon]) }
        return host
    }
}
