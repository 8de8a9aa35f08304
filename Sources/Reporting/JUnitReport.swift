import Foundation
import Policy
import Verdicts

/// JUnit XML for CI systems that show test results: one test case per rule and server,
/// failed when its severity is at or above `--fail-on`; an input that could not be read
/// is a test case in error. Passed cases are the findings below the threshold.
extension ScanReport {
    public var junit: String {
        let findings = result.findings.sorted
        let failing = findings.filter { f in failOn.map { f.severity >= $0 } ?? false }.count
        let errors = inputs.filter(\.hasErrors).count
        let tests = findings.count + errors
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"borderflow\" tests=\"\(tests)\" failures=\"\(failing)\" errors=\"\(errors)\">\n"
        out += "  <testsuite name=\"borderflow scan\" tests=\"\(tests)\" failures=\"\(failing)\" errors=\"\(errors)\" skipped=\"0\">\n"
        out += "    <properties>\n"
        out += "      <property name=\"home\" value=\"\(xml(home.joined(separator: ",")))\"/>\n"
        out += "      <property name=\"fail-on\" value=\"\(failOn?.rawValue ?? "none")\"/>\n"
        if let baseline { out += "      <property name=\"baseline\" value=\"\(xml(baseline.path))\"/>\n" }
        out += "    </properties>\n"
        for input in inputs where input.hasErrors {
            out += "    <testcase classname=\"borderflow.input\" name=\"\(xml(input.path))\">\n"
            out += "      <error type=\"input-error\" message=\"\(xml(input.errors.first ?? ""))\">\(xml(input.errors.joined(separator: "\n")))</error>\n"
            out += "    </testcase>\n"
        }
        for f in findings {
            let names = f.hostnames.isEmpty ? "" : " (\(f.hostnames.sorted().joined(separator: ", ")))"
            let country = ServerNotes.countryText(f, networks[f.server], none: "unplaced")
            let state = baselineState(f).map { " [\($0.rawValue)]" } ?? ""
            out += "    <testcase classname=\"borderflow.\(f.rule.rawValue)\" name=\"\(xml("\(f.server) \(country)\(names)\(state)"))\" time=\"0\">\n"
            let detail = "\(f.rule.summary) \(f.flows) flows from \(f.deviceCount) devices, \(f.bytes) bytes, "
                + "\(Timestamps.rfc3339(nanoseconds: f.first, fractionDigits: 6)) to \(Timestamps.rfc3339(nanoseconds: f.last, fractionDigits: 6))."
                + (networks[f.server]?.asText.map { " Server run by \($0)." } ?? "")
                + (f.evidenceTexts.isEmpty ? "" : " Evidence: \(f.evidenceTexts.joined(separator: "; ")).")
                + " Fingerprint \(ScanReport.fingerprint(f))."
            if let level = failOn, f.severity >= level {
                out += "      <failure type=\"\(f.rule.rawValue)\" message=\"\(xml("\(f.severity.rawValue): \(f.rule.rawValue) \(f.server)"))\">\(xml(detail))</failure>\n"
            } else {
                out += "      <system-out>\(xml(detail))</system-out>\n"
            }
            out += "    </testcase>\n"
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// Text for XML 1.0 content and attributes: markup escaped, controls and the two
    /// non-characters XML forbids made visible.
    func xml(_ s: String) -> String {
        HTMLText.escape(s).replacingOccurrences(of: "\u{FFFE}", with: "[U+FFFE]").replacingOccurrences(of: "\u{FFFF}", with: "[U+FFFF]")
    }
}
