import Flows
import Foundation
import Testing
import TestSupport
import Verdicts

/// borderflow against nDPI on captures of what plant traffic carries besides clear-text
/// ICS (../shared/fixtures/ndpi-services): remote-access tools, tunnels, data stores and
/// file protocols. For every flow nDPI names from its payload, our `app` and category;
/// on nDPI's false-positive traps, no protocol nDPI does not give.
@Suite(.enabled(if: Fixtures.available, Fixtures.skipMessage))
struct ServiceComparisonTests {
    typealias Expected = NDPIComparisonTests.Expected

    /// nDPI's names (the whole name first, then its family) mapped to our `app`.
    static let apps: [String: String] = [
        "TeamViewer": "teamviewer", "Radmin": "radmin", "OpenVPN": "openvpn", "WireGuard": "wireguard",
        "Tailscale": "wireguard", "IPSec": "ipsec", "PPTP": "pptp", "VNC": "vnc",
        "MySQL": "mysql", "PostgreSQL": "postgresql", "MongoDB": "mongodb", "Kafka": "kafka", "MsSQL-TDS": "tds",
        "RESP": "redis", "NetBIOS.SMBv1": "smb", "NFS": "nfs", "RSYNC": "rsync", "HTTP.WebDAV": "webdav",
        "Dropbox": "dropbox", "TLS.AnyDesk": "anydesk", "DNS": "dns", "TLS": "tls", "HTTP": "http", "DTLS": "dtls",
        "TFTP": "tftp", "Softether": "softether", "HTTP.Softether": "softether", "AliCloud": "alicloud",
        // A Windows Update download by address (no name for the catalogue): HTTP carrying firmware.
        "HTTP.WindowsUpdate": "http",
    ]

    /// Catalogue services that stand for one of the protocols above (a flow of
    /// another protocol, named by its server name).
    static let services: [String: String] = ["softether-vpn": "softether"]

    /// nDPI's categories mapped to ours, where the guidance cares.
    static let categories: [String: [String]] = [
        "RemoteAccess": ["remote-maintenance"], "VPN": ["tunnel"], "Database": ["data-storage"],
        // Files moved (FTP, TFTP) are file-transfer; files kept (shares, sync) data-storage.
        "DataTransfer": ["data-storage", "file-transfer"],
    ]

    /// Protocols this comparison does not yet ask borderflow to name.
    static let notClaimed: Set<String> = ["DNS.AnyDesk", "SSDP", "TRDP", "EthernetGlobalData", "TLS.Slack"]

    static let expected = NDPIComparisonTests.expected(in: "ndpi-services")
    static let ours = NDPIComparisonTests.scan(expected, in: "ndpi-services")

    static func wanted(_ e: Expected) -> String? {
        apps[e.family] ?? apps[NDPIComparisonTests.family(e.family)]
    }

    /// Differences accepted, each with its reason; anything else fails the test.
    static let accepted: [String: String] = [
        "APP dropbox.pcap 192.168.56.1:50318 192.168.56.101:17500": coapOn17500,
        "APP dropbox.pcap 192.168.56.1:50312 192.168.56.101:17500": coapOn17500,
        "APP dropbox.pcap 192.168.56.1:50319 192.168.56.101:17500": coapOn17500,
        "APP dropbox.pcap 192.168.56.1:50311 192.168.56.101:17500": coapOn17500,
    ]
    static let coapOn17500 = "the datagrams are CoAP (version 1, PUT, Uri-Path r/Bus17Cmd, a JSON payload; tshark decodes them so); nDPI names them Dropbox for port 17500"

    @Test func appsAndCategoriesAgree() {
        var claimed = 0, agree = 0, categoryClaimed = 0, categoryAgree = 0
        var lines: [String] = []
        var perProtocol: [String: (agree: Int, of: Int)] = [:]
        for e in Self.expected where e.confidence.hasPrefix("DPI") && !Self.notClaimed.contains(e.family) {
            guard let want = Self.wanted(e) else { continue }
            guard let r = NDPIComparisonTests.find(e, in: Self.ours) else { lines.append("MISSING \(e.file) \(e.l4) \(e.a) \(e.b) \(e.family)"); continue }
            claimed += 1
            let ok = r.app.name == want || r.service.map { Self.services[$0] ?? $0 } == want
            perProtocol[e.family, default: (0, 0)].of += 1
            if ok { agree += 1; perProtocol[e.family]!.agree += 1 } else { lines.append("APP \(e.file) \(e.a) \(e.b): nDPI \(e.family) ours \(r.app)") }
            if let cat = Self.categories[e.category] {
                categoryClaimed += 1
                if cat.contains(r.category.name) { categoryAgree += 1 } else {
                    lines.append("CATEGORY \(e.file) \(e.a) \(e.b): nDPI \(e.category) ours \(r.category)")
                }
            }
        }
        print("nDPI services comparison: app \(agree)/\(claimed), category \(categoryAgree)/\(categoryClaimed)")
        for (name, n) in perProtocol.sorted(by: { $0.key < $1.key }) { print("  \(name): \(n.agree)/\(n.of)") }
        for l in lines {
            let key = l.components(separatedBy: ": nDPI").first ?? l
            if let why = Self.accepted[key] { print("  accepted: \(l) — \(why)") } else {
                Issue.record("unexplained difference from nDPI: \(l)")
            }
        }
        #expect(claimed > 130)
        #expect(Double(agree) / Double(claimed) >= 0.97)
        #expect(Double(categoryAgree) / Double(max(1, categoryClaimed)) >= 0.95)
    }

    @Test func falsePositiveTrapsGetNoProtocolNDPIDoesNotGive() {
        for e in Self.expected where e.file.contains("false_positive") {
            guard let r = NDPIComparisonTests.find(e, in: Self.ours), r.app != .unknown else { continue }
            let theirs = Self.wanted(e)
            #expect(theirs == r.app.name, "\(e.file) \(e.a) \(e.b): nDPI \(e.family) (\(e.confidence)), ours \(r.app)")
        }
    }
}
