import Flows
import Foundation
import Geo
import Pipeline
import Policy
import Reporting
import ServerRegistry
import Setup
import Testing
import Verdicts
import WireBytes

/// The evidence page (`scan --format html`): complete, self-contained, escaped, deterministic.
@Suite struct EvidenceReportTests {
    static let sectionIDs = ["scope", "summary", "diagram", "findings", "storage", "maintenance", "devices", "registry"]
    /// Every element the page is allowed to contain: anything else would be markup that
    /// leaked in from a capture.
    static let allowedTags: Set<String> = [
        "!doctype", "html", "head", "meta", "title", "style", "body", "header", "footer", "nav", "section", "article", "figure",
        "h1", "h2", "h3", "h4", "h5", "p", "b", "small", "code", "span", "a", "ol", "ul", "li",
        "table", "thead", "tbody", "tr", "th", "td", "svg", "g", "rect", "text", "path",
    ]

    /// The bundled example, scanned in-process with its scope, as `scan --config Captures/borderflow.yaml` does.
    static func example(includeFlows: Bool = true, withScope: Bool = true) throws -> ScanReport {
        let c = Package.root + "/Captures/"
        let setup = try PolicySetup.load(home: "CN", geo: [c + "plant-example-geo.csv"], registry: c + "plant-example-registry.yaml",
                                         config: ConfigFile())
        #expect(setup.registryWarnings.isEmpty)
        let result = Scan.run([.file(c + "plant-example.pcapng")], policy: setup.policy, keepFlows: includeFlows)
        // File times and the digest fixed: the page is compared as it was reviewed.
        var scope = setup.scope
        scope.geoSources = scope.geoSources.map { .init(path: $0.path, ranges: $0.ranges, modified: nil) }
        scope.registryModified = 1_767_225_600_000_000_000
        scope.registryDigest = String(repeating: "ab", count: 32)
        return ScanReport(result: result, home: ["CN"], version: "0.1.0", includeFlows: includeFlows, scope: withScope ? scope : nil)
    }

    /// Names of the elements the page opens or closes, in order ("" for a stray `<`).
    static func tags(_ html: String) -> [String] {
        html.components(separatedBy: "<").dropFirst().map { piece in
            var name = piece.prefix { $0.isLetter || $0.isNumber || $0 == "!" || $0 == "/" }
            if name.hasPrefix("/") { name = name.dropFirst() }
            return name.lowercased()
        }
    }

    static func count(_ needle: String, in html: String) -> Int { html.components(separatedBy: needle).count - 1 }

    @Test func exampleHasEverySection() throws {
        let report = try Self.example()
        let html = EvidenceReport.render(report)
        for id in Self.sectionIDs { #expect(html.contains("<section id=\"\(id)\">"), "section \(id)") }
        // Scope: inputs, geo source, registry version.
        #expect(html.contains("plant-example.pcapng"))
        #expect(html.contains("plant-example-geo.csv"))
        #expect(html.contains(String(repeating: "ab", count: 32)))
        #expect(html.contains("2026-01-01T00:00:00Z"))
        // Summary numbers from the reviewed JSON report.
        #expect(html.contains("<b>516</b>packets") && html.contains("<b>22</b>flows") && html.contains("<b>14</b>cross-border flows"))
        // The diagram: one node per server abroad, per device, per country.
        #expect(html.contains("<svg class=\"flow-diagram\""))
        let servers = Set(report.result.crossBorder.keys.map(\.server))
        #expect(servers.count == 7)
        for s in servers { #expect(html.contains("<g class=\"node server\"><title>\(s) ("), "server node \(s)") }
        #expect(Self.count("<g class=\"node server\">", in: html) == servers.count)
        #expect(Self.count("<g class=\"node device\">", in: html) == Set(report.result.crossBorder.keys.map(\.device)).count)
        for country in ["DE", "HK", "NL", "US"] { #expect(html.contains("<g class=\"node country\"><title>\(country): ")) }
        // Findings grouped by rule, each with its flows.
        for f in report.result.findings.sorted {
            #expect(html.contains("<h3 id=\"rule-\(f.rule.rawValue)\">"))
            #expect(html.contains("<h4>\(f.server) · "))
        }
        #expect(html.contains("<h5>Flows (2)</h5>"))
        #expect(html.contains("REG-2025-0007 — Vendor Asia Ltd (HK), purposes: remote-maintenance, valid 2025-01-01 to 2025-12-31"))
        // Maintenance log: one row per session, with the CSV's columns.
        #expect(html.contains("<th scope=\"col\">Bytes from remote</th>"))
        for r in report.result.maintenanceSessions { #expect(html.contains("<td class=\"mono\">\(r.flow.server)</td>")) }
        // Registry coverage: all four entries used, none unseen.
        #expect(html.contains("None: the traffic used every entry."))
    }

    @Test func pageIsSelfContained() throws {
        let html = EvidenceReport.render(try Self.example())
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.contains("url(") && !html.contains("@import"))
        // Only links within the page.
        var rest = html[...]
        while let r = rest.range(of: "href=\"") {
            #expect(rest[r.upperBound...].hasPrefix("#"))
            rest = rest[r.upperBound...]
        }
        #expect(Set(Self.tags(html)).subtracting(Self.allowedTags).isEmpty)
        #expect(html.contains("Content-Security-Policy\" content=\"default-src 'none'"))
    }

    @Test func hostileNamesAreEscaped() throws {
        let hostile = "<img src=x onerror=alert(1)>"
        let spoof = "evil\u{202E}elpmaxe.com"
        var result = ScanResult()
        let policy = Policy(home: ["CN"], geo: FixedCountry(country: "US"), registry: Registry(entries: []))
        for (i, name) in [hostile, spoof, "a\"b'c&d"].enumerated() {
            result.add(Self.record(client: "10.0.0.\(i + 1)", server: "34.120.9.\(i + 1)", hostname: name, at: Int64(i)),
                       policy: policy, keepFlows: true)
        }
        let input = try JSONDecoder().decode(ReportInput.self, from: Data("""
            {"index":0,"path":"<script>alert(1)</script>.pcap","packets":3,"first":0,"last":2,
             "errors":["<b>bad</b>"],"warnings":[],"json":"{}"}
            """.utf8))
        let entry = RegistryEntry(id: "<i>REG</i>", operatorName: "<svg onload=alert(1)>", country: "US", addresses: [],
                                  hostnames: [], purposes: [.telemetry], validFrom: nil, validUntil: nil, line: 1)
        let scope = ScanScope(home: ["CN"], geoSources: [.init(path: "</td><script>", ranges: 1, modified: nil)],
                              registryPath: "\"><img src=y>", registryEntries: [entry])
        let html = EvidenceReport.render(ScanReport(result: result, inputs: [input], home: ["CN"], version: "<v>",
                                                    includeFlows: true, scope: scope))
        #expect(!html.contains(hostile))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        #expect(html.contains("evil[U+202E]elpmaxe.com") && !html.contains("\u{202E}"))
        #expect(html.contains("a&quot;b&#39;c&amp;d"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;.pcap"))
        #expect(html.contains("&lt;svg onload=alert(1)&gt;"))
        #expect(!html.lowercased().contains("<script") && !html.contains("<img") && !html.contains("<i>"))
        #expect(Set(Self.tags(html)).subtracting(Self.allowedTags).isEmpty)
    }

    /// Same report, same bytes — also when its dictionaries were filled in another order
    /// (a report rebuilt from a saved partial result).
    @Test func outputIsDeterministic() throws {
        let report = try Self.example()
        let html = EvidenceReport.render(report)
        #expect(EvidenceReport.render(report) == html)
        let partial = PartialReport(result: report.result, home: report.home, tool: report.version, totalInputs: 1, includeFlows: true)
        let restored = try PartialReport.decode(try partial.encoded(), path: "partial")
        let again = ScanReport(result: restored.result, inputs: restored.inputs, home: restored.home, version: report.version,
                               includeFlows: true, scope: report.scope)
        #expect(EvidenceReport.render(again) == html)
        #expect(EvidenceReport.render(try Self.example()) == html)
    }

    /// `borderflow merge` knows no scope: the page says so and still renders.
    @Test func reportWithoutScopeRenders() throws {
        let html = EvidenceReport.render(try Self.example(includeFlows: false, withScope: false))
        for id in Self.sectionIDs { #expect(html.contains("<section id=\"\(id)\">")) }
        #expect(html.contains("The geo sources and registry were not recorded with this report"))
        #expect(html.contains("The registry was not recorded with this report"))
        #expect(html.contains("REG-2026-0001"))
        // Without flow records each finding shows its aggregate.
        #expect(html.contains("Flow records were not kept for this report"))
        #expect(!html.contains("<h5>Flows"))
        #expect(html.contains("10.2.1.2 (02:00:00:00:00:02), 10.4.1.2 (02:00:00:00:00:04)"), "devices with their Ethernet addresses")
        // Nothing scanned at all: every section still says what it found.
        let empty = EvidenceReport.render(ScanReport(result: ScanResult(), home: ["CN"], version: "0.1.0"))
        for id in Self.sectionIDs { #expect(empty.contains("<section id=\"\(id)\">")) }
        #expect(empty.contains("No traffic crossed the border.") && empty.contains("<p>No findings"))
    }

    /// A big plant: the diagram shows 25 devices and 25 servers and gathers the rest;
    /// a finding lists its first 50 flows and counts the others.
    @Test func bigPlantStaysLegible() {
        var result = ScanResult()
        let policy = Policy(home: ["CN"], geo: FixedCountry(country: "US"), registry: Registry(entries: []))
        for d in 0 ..< 60 {
            for s in 0 ..< 40 where (d + s) % 3 == 0 {
                result.add(Self.record(client: "10.1.\(d / 250).\(d % 250 + 1)", server: "52.10.0.\(s + 1)",
                                       hostname: "s\(s).example", at: Int64(d * 100 + s), bytes: UInt64(100 + d * 7 + s * 13)),
                           policy: policy, keepFlows: true)
            }
        }
        // One device that talks to one server 60 times.
        for k in 0 ..< 60 {
            result.add(Self.record(client: "10.2.0.1", server: "52.20.0.1", hostname: nil, at: Int64(k)), policy: policy, keepFlows: true)
        }
        result.finish()
        let html = EvidenceReport.render(ScanReport(result: result, inputs: [], home: ["CN"], version: "0.1.0", includeFlows: true))
        #expect(Self.count("<g class=\"node device\">", in: html) == 26)
        #expect(Self.count("<g class=\"node server\">", in: html) == 26)
        #expect(html.contains(">36 more devices</text>"))
        #expect(html.contains(">16 more servers</text>"))
        #expect(html.contains("… and 10 more flows"))
        #expect(EvidenceReport.render(ScanReport(result: result, inputs: [], home: ["CN"], version: "0.1.0", includeFlows: true)) == html)
    }

    static func record(client: String, server: String, hostname: String?, at t: Int64, bytes: UInt64 = 500) -> FlowRecord {
        let start: Int64 = 1_772_438_400_000_000_000 + t * 1_000_000
        let flow = OrientedFlow(first: start, last: start + 5_000_000, ipProtocol: 6, vlan: 0,
                                client: IPAddress(client)!, clientPort: 50000, server: IPAddress(server)!, serverPort: 443,
                                packetsToServer: 3, packetsToClient: 3, bytesToServer: bytes, bytesToClient: bytes * 2)
        return FlowRecord(flow: flow, app: .tls, category: .web, hostname: hostname)
    }
}

/// Every public address in one country.
struct FixedCountry: CountryLookup {
    let country: String
    func country(for address: IPAddress) -> String? { country }
}
