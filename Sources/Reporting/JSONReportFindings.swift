import Foundation
import WireBytes

/// The findings of a borderflow JSON report (`scan --format json`), read back by
/// `--baseline`, `diff` and `registry draft`: one reading of the report's shape.
enum JSONReportFindings {
    /// The findings array of a parsed report, or nil when it is not a borderflow report.
    static func findings(of top: [String: Any]) -> [[String: Any]]? {
        guard (top["tool"] as? [String: Any])?["name"] as? String == "borderflow" else { return nil }
        return top["findings"] as? [[String: Any]]
    }

    /// The findings of the report at `path`, or why not (`cannot read the file`, `not a
    /// borderflow JSON report ...`).
    static func load(path: String) -> Result<[[String: Any]], ReportDiff.LoadError> {
        func fail(_ why: String) -> ReportDiff.LoadError { .init(description: "\(VisibleText.escape(path)): \(why)") }
        guard let data = FileManager.default.contents(atPath: path) else { return .failure(fail("cannot read the file")) }
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let f = findings(of: top) else {
            return .failure(fail("not a borderflow JSON report (scan --format json)"))
        }
        return .success(f)
    }

    /// A finding's rule, severity, server address (as reports print it) and country;
    /// nil without a rule or a server address.
    static func entry(_ f: [String: Any]) -> Baseline.Entry? {
        let server = f["server"] as? [String: Any]
        guard let rule = f["rule"] as? String, let ip = (server?["ip"] as? String).flatMap(IPAddress.init) else { return nil }
        return Baseline.Entry(rule: rule, severity: f["severity"] as? String ?? "", server: ip.description, country: server?["country"] as? String)
    }
}
