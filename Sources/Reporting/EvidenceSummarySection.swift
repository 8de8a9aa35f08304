import Verdicts
import WireBytes
import Policy

/// Section 2: the numbers a reader looks for first, and findings per rule.
enum EvidenceSummarySection {
    static func render(_ report: ScanReport) -> String {
        let r = report.result
        let findings = r.findings.sorted
        let stats: [(String, Int)] = [
            ("inputs", report.inputs.count), ("packets", r.packets), ("flows", r.flowCount),
            ("cross-border flows", r.crossBorderFlows), ("findings", findings.count),
            ("remote-maintenance sessions", r.maintenanceSessions.count),
        ]
        var out = "<ul class=\"stats\">" + stats.map { "<li><b>\(HTMLText.count($0.1))</b>\(HTMLText.escape($0.0))</li>" }.joined() + "</ul>\n"
        let rows: [[HTMLCell]] = Rule.allCases.map { rule in
            let of = findings.filter { $0.rule == rule }
            // Only rules with findings have a heading to link to.
            let name = of.isEmpty ? HTMLText.escape(rule.rawValue) : "<a href=\"#rule-\(rule.rawValue)\">\(HTMLText.escape(rule.rawValue))</a>"
            return [.markup(name),
                    .markup(severityBadge(rule.severity)), .number(of.count),
                    .number(of.reduce(0) { var t = $0; t.addSaturating($1.flows); return t }),
                    .text(HTMLText.bytes(of.reduce(UInt64(0)) { var t = $0; t.addSaturating($1.bytes); return t }), "num"),
                    .text(rule.summary)]
        }
        out += HTMLTable.render(["Rule", "Severity", "Findings", "Flows", "Bytes", "Meaning"], rows)
        out += "<p class=\"note\">A finding is every flow of one rule to one server address.</p>\n"
        return out
    }

    static func severityBadge(_ s: Severity) -> String {
        "<span class=\"sev sev-\(s.rawValue)\">\(s.rawValue)</span>"
    }
}
