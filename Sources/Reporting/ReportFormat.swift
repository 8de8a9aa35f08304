/// The report formats of `scan`, `merge` and `live`: one row each, with how it is
/// rendered and what its help says. A new format is a case here.
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, ndjson, csv, sarif, html, junit

    /// One line of help.
    public var summary: String {
        switch self {
        case .text: return "a summary for a terminal"
        case .json: return "the report of docs/contract.md"
        case .ndjson: return "one finding (and flow) per line"
        case .csv: return "one row per finding"
        case .sarif: return "SARIF 2.1.0 for code-scanning services"
        case .html: return "a self-contained evidence page"
        case .junit: return "JUnit XML for CI: one test case per rule and server, failed at or above --fail-on"
        }
    }

    /// Whether the format is one document that grows no lines as it goes (so rolling
    /// live reports cannot share its stream).
    public var isOneDocument: Bool {
        switch self {
        case .json, .sarif, .csv, .html, .junit: return true
        case .text, .ndjson: return false
        }
    }

    /// The whole report in this format; `colour` only for text on a terminal.
    public func render(_ report: ScanReport, colour: Bool) -> String {
        switch self {
        case .json: return report.json.rendered(pretty: true) + "\n"
        case .ndjson: return report.ndjson
        case .csv: return report.csv
        case .sarif: return report.sarif.rendered(pretty: true) + "\n"
        case .html: return EvidenceReport.render(report)
        case .text: return ScanText.render(report, colour: colour)
        case .junit: return report.junit
        }
    }

    /// `text, json, ndjson, csv, sarif, html, junit`, for help texts.
    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
