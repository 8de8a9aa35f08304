#if canImport(Glibc)
import Glibc
#endif
import Verdicts
import WireBytes

/// TLS over TCP: a ClientHello (SNI, ALPN) or ServerHello/ApplicationData records.
/// DNS over TLS is TLS to port 853; DNS over HTTPS is TLS whose ALPN/SNI name a DoH
/// service (the path is encrypted, so a known resolver name is the evidence).
enum TLSDetector: ProtocolDetector {
    static let app = AppProtocol.tls
    static let transports: [Transport] = [.tcp]
    static let dohResolvers: Set<String> = [
        "dns.google", "dns.google.com", "cloudflare-dns.com", "mozilla.cloudflare-dns.com", "one.one.one.one",
        "dns.quad9.net", "doh.opendns.com", "dns.adguard.com", "doh.cleanbrowsing.org", "dns.nextdns.io",
        "chrome.cloudflare-dns.com", "dns11.quad9.net", "doh.dns.sb",
    ]

    /// Names in the certificates AnyDesk's relays and clients present (TLS 1.2 sends
    /// them in the clear): its publisher, and its relay and client certificate names.
    static let anyDeskCertificateNames: [StaticString] = ["philandro Software GmbH", "AnyNet Relay", "AnyDesk Client"]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        // Followed after detection (a TLS flow without a name): the server's handshake
        // records may name AnyDesk in its certificates.
        if p.index > 0, !p.fromInitiator, b.count >= 6, b[0] == 22, b[1] == 3 {
            if anyDeskCertificateNames.contains(where: { contains(b, $0) }) {
                f.refinedApp = .anydesk
                f.finished = true
            }
        }
        guard b.count >= 3 else { return .needMore }
        // SSLv2-framed ClientHello (old clients offering SSLv3/TLS): 2-byte length with
        // the high bit set, message type 1, a version 0x0002 or 0x03xx.
        if b[0] & 0x80 != 0, b[2] == 1, b.count >= 5, (b[3] == 3 && b[4] <= 4) || (b[3] == 0 && b[4] == 2),
           Int(b[0] & 0x7F) << 8 | Int(b[1]) <= b.count + 16384 {
            return .detected(.tls)
        }
        guard b[1] == 3, b[2] <= 4, (20 ... 24).contains(b[0]) else { return .excluded }
        if b[0] == 22, b.count >= 6, b[5] == 1 {
            switch TLSHandshake.parseClientHello(stream: b) {
            case let .complete(info, _):
                f.hostname = info.serverName
                f.offered = CategoryRules.offered(byALPN: info.alpn)
                // AnyDesk's client names itself in ALPN (`anydesk/6.2.0/linux`).
                if info.alpn.contains(where: { $0.hasPrefix("anydesk/") }) { return .detected(.anydesk) }
                if p.usesPort(853) { return .detected(.dot) }
                if let sni = info.serverName, dohResolvers.contains(sni.lowercased()) { return .detected(.doh) }
                return .detected(.tls)
            case .incomplete:
                return .needMore
            case .invalid:
                return .excluded
            }
        }
        // A ServerHello, or a capture that starts mid-session: a well-formed record header.
        guard b.count >= 5 else { return .needMore }   // a record header cut short: wait for the rest
        let length = Int(b[3]) << 8 | Int(b[4])
        guard length > 0, length <= 16384 + 2048 else { return .excluded }
        // The ClientHello usually carries the name: wait for it a little if this is the server.
        if b[0] == 22, p.index == 0, b.count >= 6, b[5] == 2 { return .detected(p.usesPort(853) ? .dot : .tls) }
        return p.usesPort(853) ? .detected(.dot) : .detected(.tls)
    }

    /// Whether `name` occurs in `b` (first byte found by memchr, then compared).
    static func contains(_ b: UnsafeRawBufferPointer, _ name: StaticString) -> Bool {
        let n = name.utf8CodeUnitCount
        guard n > 0, b.count >= n, let base = b.baseAddress else { return false }
        let first = name.utf8Start.pointee
        var at = 0
        while at + n <= b.count {
            guard let hit = memchr(base + at, Int32(first), b.count - n + 1 - at) else { return false }
            let i = base.distance(to: UnsafeRawPointer(hit))
            if b.hasBytes(name, at: i) { return true }
            at = i + 1
        }
        return false
    }
}
