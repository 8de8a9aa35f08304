import Pipeline
import Policy
import Verdicts
import WireBytes

/// The terminal report: a summary, countries and servers, and the findings by
/// severity. Colour only when writing to a terminal.
public enum ScanText {
    public static func render(_ report: ScanReport, colour: Bool) -> String {
        let r = report.result
        func paint(_ s: String, _ code: String) -> String { colour ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
        // Names, paths and messages may come from captured traffic: shown, never obeyed.
        let shown = VisibleText.escape
        var out = ""
        out += paint("borderflow \(report.version)", "1") + " — home: \(shown(report.home.joined(separator: ", ")))\n"
        out += "inputs: \(report.inputs.count), packets: \(r.packets), flows: \(r.flowCount), cross-border flows: \(r.crossBorderFlows)\n"
        for input in report.inputs {
            for e in input.errors { out += paint("error: \(shown(input.path)): \(shown(e))", "31") + "\n" }
            for w in input.warnings { out += paint("warning: \(shown(input.path)): \(shown(w))", "33") + "\n" }
        }
        for l in r.limitsReached { out += paint("warning: \(l.text)", "33") + "\n" }
        let findings = r.findings.sorted
        out += countries(r, findings: findings, paint: paint)
        out += "\n" + paint("Findings", "1") + (findings.isEmpty ? ": none\n" : "\n")
        for f in findings.prefix(maxFindings) {
            let sev = f.severity.rawValue.uppercased()
            let code = f.severity == .high ? "31" : f.severity == .medium ? "33" : f.severity == .low ? "36" : "2"
            let names = f.hostnames.isEmpty ? "" : " (\(shown(f.hostnames.sorted().joined(separator: ", "))))"
            let state = report.baselineState(f).map { paint("[\($0.rawValue)] ", $0 == .new ? "1" : "2") } ?? ""
            out += "  " + paint(pad(sev, 6), code) + " " + state + "\(f.rule.rawValue)  \(f.server)\(names) \(shown(ServerNotes.countryText(f, report.networks[f.server], none: "??")))"
                + (report.networks[f.server]?.asText.map { "  " + shown($0) } ?? "") + "\n"
            out += "         \(f.flows) flows, \(f.deviceCount) devices, \(bytes(f.bytes)), apps: \(shown(f.apps.sortedNames.joined(separator: ","))), categories: \(shown(f.categories.sortedNames.joined(separator: ",")))"
            if let e = f.registryEntry { out += ", registry entry \(shown(e))" }
            if !f.evidenceTexts.isEmpty { out += "\n         evidence: " + f.evidenceTexts.joined(separator: "; ") }
            out += "\n"
        }
        if findings.count > maxFindings {
            // A terminal is no place for thousands of findings: the count per rule, and
            // where the rest are.
            var perRule: [Rule: Int] = [:]
            for f in findings { perRule[f.rule, default: 0] += 1 }
            let counts = Rule.allCases.compactMap { rule in perRule[rule].map { "\(rule.rawValue) \($0)" } }.joined(separator: ", ")
            out += "  … and \(findings.count - maxFindings) more: \(findings.count) findings in all (\(counts)); "
                + "every one is in --format json, csv or html\n"
        }
        let abroad = report.result.devices.values.filter { $0.crossBorderFlows > 0 }
            .sorted { ($1.bytesAbroad, $0.address) < ($0.bytesAbroad, $1.address) }
        if !report.result.devices.isEmpty {
            out += "\n" + paint("Devices", "1") + ": \(report.result.devices.count) on the home side, \(abroad.count) talk abroad\n"
            for d in abroad.prefix(10) {
                let names = (report.result.deviceNames[d.address] ?? []).map(shown).joined(separator: ", ")
                let v = (report.vendor(d.mac).map { " " + shown($0.name) } ?? "") + (names.isEmpty ? "" : " (\(names))")
                out += "  \(pad(d.address.description, 16)) \(d.mac == 0 ? "" : MACAddress.text(d.mac))\(v)  "
                    + "\(d.crossBorderFlows) flows abroad, \(bytes(d.bytesAbroad))\n"
            }
            if abroad.count > 10 { out += "  … and \(abroad.count - 10) more (every device is in --format json or html)\n" }
        }
        if let baseline = report.baseline {
            let states = findings.compactMap(report.baselineState)
            let absent = report.absentFindings
            out += "\n" + paint("Against the baseline", "1") + " \(shown(baseline.path)): \(states.filter { $0 == .new }.count) new, "
                + "\(states.filter { $0 == .unchanged }.count) unchanged, \(absent.count) absent\n"
            for e in absent.prefix(maxFindings) { out += "  [absent] \(shown(e.rule))  \(e.server) \(shown(e.country ?? "??"))\n" }
            if absent.count > maxFindings { out += "  … and \(absent.count - maxFindings) more absent (every one is in --format json)\n" }
        }
        return out
    }

    /// Findings shown one by one; the rest are counted per rule.
    public static let maxFindings = 100

    /// Every country cross-border traffic reaches, by bytes: its servers, flows and
    /// bytes, and the rules its servers' findings meet; then servers no geo source places.
    static func countries(_ r: ScanResult, findings: [Finding], paint: (String, String) -> String) -> String {
        struct Reach { var servers: Set<IPAddress> = []; var flows = 0; var bytes: UInt64 = 0; var rules: Set<Rule> = [] }
        var byCountry: [String: Reach] = [:]
        for (edge, t) in r.crossBorder {
            byCountry[t.country, default: Reach()].servers.insert(edge.server)
            byCountry[t.country]!.flows += t.flows
            byCountry[t.country]!.bytes &+= t.bytes
        }
        var unplaced = Reach()
        for f in findings where f.rule != .remoteMaintenance && f.rule != .inboundRemoteMaintenance {
            if f.rule == .unknownDestination {
                unplaced.servers.insert(f.server)
                unplaced.flows += f.flows
                unplaced.bytes &+= f.bytes
                unplaced.rules.insert(f.rule)
            } else if let c = f.country {
                byCountry[c, default: Reach()].rules.insert(f.rule)
            }
        }
        guard !byCountry.isEmpty || !unplaced.servers.isEmpty else { return "" }
        func line(_ c: String, _ e: Reach) -> String {
            let rules = Rule.allCases.filter(e.rules.contains).map(\.rawValue).joined(separator: ", ")
            return "  \(VisibleText.escape(c))  \(e.servers.count) servers  \(e.flows) flows  \(bytes(e.bytes))"
                + (rules.isEmpty ? "" : "  findings: " + rules) + "\n"
        }
        var out = "\n" + paint("Countries", "1") + " (cross-border traffic, by bytes)\n"
        for (c, e) in byCountry.sorted(by: { ($1.value.bytes, $0.key) < ($0.value.bytes, $1.key) }) { out += line(c, e) }
        if !unplaced.servers.isEmpty { out += line("??", unplaced) }
        return out
    }

    static func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }

    static func bytes(_ b: UInt64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = Double(b), i = 0
        while v >= 1024, i < units.count - 1 { v /= 1024; i += 1 }
        return i == 0 ? "\(b) B" : String(Int(v * 10) / 10) + "." + String(Int(v * 10) % 10) + " " + units[i]
    }
}
