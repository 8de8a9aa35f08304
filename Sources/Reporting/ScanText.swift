import Pipeline
import Policy
import Verdicts

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
        // Countries the findings point at, by bytes.
        var byCountry: [String: (servers: Set<String>, bytes: UInt64)] = [:]
        for f in findings where f.rule != .remoteMaintenance && f.rule != .inboundRemoteMaintenance {
            let c = f.country ?? "??"
            var e = byCountry[c] ?? ([], 0)
            e.servers.insert(f.server.description)
            e.bytes += f.bytes
            byCountry[c] = e
        }
        if !byCountry.isEmpty {
            out += "\n" + paint("Countries", "1") + "\n"
            for (c, e) in byCountry.sorted(by: { $0.value.bytes > $1.value.bytes }) {
                out += "  \(shown(c))  \(e.servers.count) servers  \(bytes(e.bytes))\n"
            }
        }
        out += "\n" + paint("Findings", "1") + (findings.isEmpty ? ": none\n" : "\n")
        for f in findings {
            let sev = f.severity.rawValue.uppercased()
            let code = f.severity == .high ? "31" : f.severity == .medium ? "33" : f.severity == .low ? "36" : "2"
            let names = f.hostnames.isEmpty ? "" : " (\(shown(f.hostnames.sorted().joined(separator: ", "))))"
            out += "  " + paint(pad(sev, 6), code) + " \(f.rule.rawValue)  \(f.server)\(names) \(shown(f.country ?? "??"))\n"
            out += "         \(f.flows) flows, \(f.deviceCount) devices, \(bytes(f.bytes)), apps: \(shown(f.apps.sortedNames.joined(separator: ","))), categories: \(shown(f.categories.sortedNames.joined(separator: ",")))"
            if let e = f.registryEntry { out += ", registry entry \(shown(e))" }
            out += "\n"
        }
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
