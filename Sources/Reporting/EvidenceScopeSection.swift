/// Section 1: what was measured (inputs, time span) and against what (home, geo
/// sources, registry version), so that a reader can reproduce the result.
enum EvidenceScopeSection {
    static let maxInputs = 500
    static let maxProblemsPerInput = 10

    static func render(_ report: ScanReport) -> String {
        var facts: [(String, HTMLCell)] = [
            ("Tool", .text("borderflow " + report.version)),
            ("Home jurisdiction", .text(report.home.joined(separator: ", "))),
        ]
        if let span = timeSpan(report.inputs) {
            facts.append(("Time span", .text(HTMLText.time(span.first) + " – " + HTMLText.time(span.last)
                    + " (" + duration(span.last - span.first) + ")")))
        } else {
            facts.append(("Time span", .text("no packets")))
        }
        let errors = report.inputs.reduce(0) { $0 + $1.errors.count }
        let warnings = report.inputs.reduce(0) { $0 + $1.warnings.count }
        facts.append(("Inputs", .text("\(HTMLText.count(report.inputs.count)) (\(HTMLText.count(errors)) errors, \(HTMLText.count(warnings)) warnings)")))
        var out = HTMLTable.facts(facts)
        for l in report.result.limitsReached {
            out += "<p class=\"notice\">" + HTMLText.escape("Limit reached: " + l.text) + "</p>\n"
        }

        out += "<h3>Inputs</h3>\n" + inputs(report.inputs)
        guard let scope = report.scope else {
            out += "<p class=\"notice\">The geo sources and registry were not recorded with this report (a report merged from partial "
            out += "results by <code>borderflow merge</code> does not carry them): see the commands that made the partials.</p>\n"
            return out
        }
        out += "<h3>Geo sources</h3>\n<p class=\"note\">Earlier sources win where ranges overlap.</p>\n"
        out += HTMLTable.render(["#", "Path", "Ranges", "File modified (UTC)"], scope.geoSources.enumerated().map { i, g in
            [.number(i + 1), .text(g.path, "name"), .number(g.ranges), .text(HTMLText.fileTime(g.modified))]
        })
        out += "<h3>Network data</h3>\n"
        if scope.networkSources.isEmpty {
            out += "<p class=\"notice\">No network data was used: servers are shown without their autonomous system, and anycast addresses are not recognised.</p>\n"
        } else {
            out += "<p class=\"note\">Countries come from the geo sources above; AS numbers and names, announced networks and the anycast flag from these.</p>\n"
            out += HTMLTable.render(["#", "Path", "Kind", "Vendor", "Built (UTC)"], scope.networkSources.enumerated().map { i, n in
                [.number(i + 1), .text(n.path, "name"), .text(n.kind), .text(n.vendor ?? "not stated"), .text(HTMLText.fileTime(n.created))]
            })
        }
        out += "<h3>Registry of approved servers</h3>\n"
        if let path = scope.registryPath {
            out += HTMLTable.facts([
                ("Path", .text(path, "name")),
                ("SHA-256", .text(scope.registryDigest ?? "unknown", "name")),
                ("File modified (UTC)", .text(HTMLText.fileTime(scope.registryModified))),
                ("Entries", .number(scope.registryEntries.count)),
            ])
        } else {
            out += "<p class=\"notice\">No registry was given: every server abroad counts as unregistered.</p>\n"
        }
        return out
    }

    static func inputs(_ inputs: [ReportInput]) -> String {
        guard !inputs.isEmpty else { return "<p>No inputs.</p>\n" }
        let rows: [[HTMLCell]] = inputs.prefix(maxInputs).map { i in
            [.number(i.index + 1), .text(i.path, "name"), .number(i.packets),
             .text(i.first.map(HTMLText.time) ?? "—"), .text(i.last.map(HTMLText.time) ?? "—"), .markup(problems(i))]
        }
        return HTMLTable.render(["#", "Path", "Packets", "First packet (UTC)", "Last packet (UTC)", "Errors and warnings"], rows,
                                omitted: max(0, inputs.count - maxInputs), omittedNote: "inputs (see the JSON report)")
    }

    static func problems(_ input: ReportInput) -> String {
        let all = input.errors.map { "error: " + $0 } + input.warnings.map { "warning: " + $0 }
        guard !all.isEmpty else { return "none" }
        var out = "<ul class=\"problems\">" + all.prefix(maxProblemsPerInput).map { HTMLText.element("li", $0) }.joined()
        if all.count > maxProblemsPerInput { out += HTMLText.element("li", "… and \(all.count - maxProblemsPerInput) more") }
        return out + "</ul>"
    }

    /// The earliest first and latest last packet over all inputs.
    static func timeSpan(_ inputs: [ReportInput]) -> (first: Int64, last: Int64)? {
        let firsts = inputs.compactMap(\.first), lasts = inputs.compactMap(\.last)
        guard let first = firsts.min(), let last = lasts.max() else { return nil }
        return (first, last)
    }

    /// `0.544 s`, `3 min 05 s`, `2 h 03 min`, `4 d 02 h`: as much precision as a span needs.
    static func duration(_ ns: Int64) -> String {
        let ms = max(0, ns) / 1_000_000
        if ms < 60_000 {
            let frac = String(ms % 1000)
            return "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac + " s"
        }
        let s = ms / 1000
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        if s < 3600 { return "\(s / 60) min \(two(s % 60)) s" }
        if s < 86400 { return "\(s / 3600) h \(two(s / 60 % 60)) min" }
        return "\(s / 86400) d \(two(s / 3600 % 24)) h"
    }
}
