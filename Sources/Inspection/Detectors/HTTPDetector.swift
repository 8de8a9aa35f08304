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

    static func stripPort(_ host: String) -> String {
        if host.hasPrefix("[") { return String(host.dropFirst().prefix { $0 != "]" }) }
        if let colon = host.lastIndex(of: ":"), host.firstIndex(of: ":") == colon { return String(host[..<colon]) }
        return host
    }
}
