import Flows
import Networks
import Policy
import ServerRegistry
import Verdicts
import WireBytes

/// Section 4: findings grouped by rule, each with the flows behind it (when the report
/// kept flow records) or its aggregate (devices, hostnames, counts, time span).
enum EvidenceFindingsSection {
    static let maxFlowsPerFinding = 50
    static let maxDevicesPerFinding = 50
    static let maxHostnamesPerFinding = 20

    static func render(_ report: ScanReport) -> String {
        let findings = report.result.findings.sorted
        guard !findings.isEmpty else { return "<p>No findings: every flow abroad went to a registered server, for a registered purpose.</p>\n" }
        let entries = Dictionary(report.scope?.registryEntries.map { ($0.id, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        // Flows per server, in the report's (sorted) order, so each finding finds its own quickly.
        var flowsByServer: [IPAddress: [FlowRecord]] = [:]
        if report.includeFlows {
            for r in report.result.flows { flowsByServer[r.flow.server, default: []].append(r) }
        }
        var out = ""
        if !report.includeFlows {
            out += "<p class=\"note\">Flow records were not kept for this report, so each finding shows its aggregate; "
            out += "scan with <code>--include-flows</code> to list the flows behind every finding.</p>\n"
        }
        var rulesSeen: [Rule] = []
        for f in findings where !rulesSeen.contains(f.rule) { rulesSeen.append(f.rule) }
        for rule in rulesSeen {
            let of = findings.filter { $0.rule == rule }
            out += "<h3 id=\"rule-\(rule.rawValue)\">" + HTMLText.escape(rule.rawValue) + " " + EvidenceSummarySection.severityBadge(rule.severity)
                + " <small>\(HTMLText.count(of.count)) server\(of.count == 1 ? "" : "s")</small></h3>\n"
            out += HTMLText.element("p", rule.summary, [("class", "note")]) + "\n"
            for f in of {
                let flows = report.includeFlows ? (flowsByServer[f.server] ?? []).filter { covers(rule, $0) } : nil
                out += finding(f, entry: f.registryEntry.flatMap { entries[$0] }, flows: flows, network: report.networks[f.server],
                               state: report.baselineState(f), deviceText: report.deviceText)
            }
        }
        let absent = report.absentFindings
        if let baseline = report.baseline {
            out += "<h3 id=\"baseline\">Against the baseline</h3>\n" + HTMLText.element("p", "\(baseline.path): "
                + "\(findings.filter { report.baselineState($0) == .new }.count) new, \(findings.filter { report.baselineState($0) == .unchanged }.count) unchanged, "
                + "\(absent.count) no longer seen.", [("class", "note")]) + "\n"
            if !absent.isEmpty {
                out += HTMLTable.render(["Rule", "Severity", "Server", "Country"], absent.map { e in
                    [.text(e.rule), .text(e.severity), .text(e.server, "mono"), .text(e.country ?? "")]
                })
            }
        }
        return out
    }

    static func finding(_ f: Finding, entry: RegistryEntry?, flows: [FlowRecord]?, network: NetworkInfo? = nil,
                        state: BaselineState? = nil, deviceText: (IPAddress) -> String = { $0.description }) -> String {
        let hostnames = f.hostnames.sorted()
        var out = "<article class=\"finding sev-border-\(f.severity.rawValue)\">\n"
        out += "<h4>" + HTMLText.escape(f.server.description) + " · " + HTMLText.escape(f.country ?? "no country")
            + (hostnames.isEmpty ? "" : " · " + HTMLText.escape(hostnames[0]) + (hostnames.count > 1 ? " +\(hostnames.count - 1)" : ""))
            + (state.map { " · " + HTMLText.escape($0 == .new ? "new since the baseline" : "in the baseline") } ?? "") + "</h4>\n"
        var facts: [(String, HTMLCell)] = [
            ("Server", .text(f.server.description, "mono")),
            ("Country", .text(ServerNotes.countryText(f, network, none: "none: no geo source places this address"))),
            ("Operator", .text(network?.asText.map { $0 + (network?.network.map { ", network " + $0 } ?? "") } ?? "not known to the network data")),
            ("Hostnames", .markup(HTMLText.capped(hostnames, limit: maxHostnamesPerFinding, truncated: f.hostnames.isTruncated), "name")),
            ("Devices", .markup(HTMLText.capped(f.devices.sorted().map(deviceText), limit: maxDevicesPerFinding, truncated: f.devices.isTruncated), "mono")),
            ("Apps", .markup(HTMLText.capped(f.apps.sortedNames, limit: 50))),
            ("Categories", .markup(HTMLText.capped(f.categories.sortedNames, limit: 50))),
            ("Evidence", .markup(HTMLText.capped(f.evidenceTexts, limit: 16))),
            ("Flows", .number(f.flows)),
            ("Bytes", .text(HTMLText.bytes(f.bytes))),
            ("First seen (UTC)", .text(HTMLText.time(f.first))),
            ("Last seen (UTC)", .text(HTMLText.time(f.last))),
        ]
        facts.append(("Registry entry", .text(f.registryEntry.map { id in entry.map(describe) ?? id } ?? "none")))
        out += HTMLTable.facts(facts)
        if let flows {
            out += flowTable(flows)
        }
        return out + "</article>\n"
    }

    /// Whether a judged flow is one the rule speaks of (as `Policy.judge` decided).
    static func covers(_ rule: Rule, _ r: FlowRecord) -> Bool { Policy.rules(of: r).contains(rule) }

    static func flowTable(_ flows: [FlowRecord]) -> String {
        guard !flows.isEmpty else { return "<p class=\"note\">No flow records of this finding in the report.</p>\n" }
        let rows: [[HTMLCell]] = flows.prefix(maxFlowsPerFinding).map { r in
            let f = r.flow
            return [
                .text(HTMLText.time(f.first) + " – " + HTMLText.time(f.last)),
                .text(endpoint(f.client, f.clientPort), "mono"),
                .text(String(f.serverPort) + "/" + r.protoName, "mono"),
                .text(r.app.name + " / " + r.category.name),
                .text(r.hostname ?? "—", "name"),
                .number(f.bytesToServer), .number(f.bytesToClient),
                .markup(statusText(r.registry.name)),
                .text("#\(r.input + 1)"),  // the input's number in the Scope section
            ]
        }
        return "<h5>Flows (\(HTMLText.count(flows.count)))</h5>\n"
            + HTMLTable.render(["Time (UTC)", "Device", "Service", "App / category", "Hostname", "Bytes out", "Bytes in", "Registry", "Input"],
                               rows, cssClass: "flows", omitted: max(0, flows.count - maxFlowsPerFinding),
                               omittedNote: "flows (all of them are in the JSON report with --include-flows)")
    }

    /// `10.0.0.1:50000`, `[fd00::1]:50000`.
    static func endpoint(_ a: IPAddress, _ port: UInt16) -> String {
        (a.isIPv4 ? a.description : "[\(a)]") + ":" + String(port)
    }

    static func statusText(_ status: String) -> String {
        "<span class=\"status status-\(HTMLText.escape(status))\">\(HTMLText.escape(status))</span>"
    }

    /// An entry as one line: who, where, what for, and when it is valid.
    static func describe(_ e: RegistryEntry) -> String {
        "\(e.id) — \(e.operatorName) (\(e.country)), purposes: \(e.purposes.map(\.name).joined(separator: ", ")), valid "
            + (e.validFrom.map(\.description) ?? "from any date") + " to " + (e.validUntil.map(\.description) ?? "open end")
    }
}
