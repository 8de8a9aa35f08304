/// The evidence report (`--format html`): one self-contained page for a compliance
/// officer to read and print — scope, summary, data-flow diagram, findings with the
/// flows behind them, the remote-maintenance log and registry coverage. No scripts, no
/// external resources, every captured text escaped, and no clock or randomness: the
/// same report always gives the same bytes.
public enum EvidenceReport {
    static let sections: [(id: String, title: String)] = [
        ("scope", "Scope"), ("summary", "Summary"), ("diagram", "Data flows across the border"),
        ("findings", "Findings"), ("storage", "Data stored abroad"), ("maintenance", "Remote-maintenance log"),
        ("devices", "Devices"), ("registry", "Registry coverage"),
    ]

    public static func render(_ report: ScanReport) -> String {
        let span = EvidenceScopeSection.timeSpan(report.inputs)
        var title = "borderflow evidence report — home " + report.home.joined(separator: ", ")
        if let span { title += ", " + Timestamps.rfc3339(nanoseconds: span.first, fractionDigits: 0) }

        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        // Defence in depth behind the escaping: the page may load nothing and run nothing.
        out += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<meta name=\"generator\" content=\"borderflow \(HTMLText.escape(report.version))\">\n"
        out += HTMLText.element("title", title) + "\n<style>\n" + EvidenceStyle.css + "\n</style>\n</head>\n<body>\n"
        out += header(report, span: span)
        out += section("scope", EvidenceScopeSection.render(report))
        out += section("summary", EvidenceSummarySection.render(report))
        out += section("diagram", diagram(report))
        out += section("findings", EvidenceFindingsSection.render(report))
        out += section("storage", EvidenceStorageSection.render(report))
        out += section("maintenance", EvidenceMaintenanceSection.render(report))
        out += section("devices", EvidenceDevicesSection.render(report))
        out += section("registry", EvidenceRegistrySection.render(report))
        out += "<footer>Made by borderflow " + HTMLText.escape(report.version)
            + " from the captures listed under Scope. Every name on this page comes from the captured traffic or the files named there.</footer>\n"
        return out + "</body>\n</html>\n"
    }

    static func header(_ report: ScanReport, span: (first: Int64, last: Int64)?) -> String {
        var out = "<header>\n<h1>Cross-border data-flow evidence</h1>\n"
        out += "<p>Home jurisdiction: <b>" + HTMLText.escape(report.home.joined(separator: ", ")) + "</b>"
        if let span {
            out += " · traffic from " + HTMLText.escape(HTMLText.time(span.first)) + " to " + HTMLText.escape(HTMLText.time(span.last))
        }
        out += " · borderflow " + HTMLText.escape(report.version) + "</p>\n"
        out += "<nav><ol>" + sections.map { "<li><a href=\"#\($0.id)\">\(HTMLText.escape($0.title))</a></li>" }.joined() + "</ol></nav>\n"
        return out + "</header>\n"
    }

    static func section(_ id: String, _ body: String) -> String {
        let n = sections.firstIndex { $0.id == id }!
        return "<section id=\"\(id)\">\n<h2>\(n + 1). \(HTMLText.escape(sections[n].title))</h2>\n" + body + "</section>\n"
    }

    static func diagram(_ report: ScanReport) -> String {
        let model = FlowDiagramModel(report.result.crossBorder)
        guard !model.isEmpty else { return "<p>No traffic crossed the border.</p>\n" }
        var out = "<p class=\"note\">Every conversation from a device at home to a server abroad. Servers are coloured by their registry status "
        out += "(the worst any of their flows had); the largest 25 devices and 25 servers by bytes are shown one by one, the rest together.</p>\n"
        return out + "<figure class=\"diagram\">\n" + FlowDiagramSVG.render(model) + "</figure>\n"
    }
}
