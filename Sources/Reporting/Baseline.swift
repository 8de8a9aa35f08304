import Foundation
import Policy
import Verdicts
import WireBytes

/// The findings of an earlier run (`--baseline`: a borderflow JSON report or SARIF
/// file), by fingerprint: each finding of this run is `new` or `unchanged`, each of
/// that run no longer seen `absent`.
public struct Baseline: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var rule: String
        public var severity: String
        public var server: String
        public var country: String?
        public var fingerprint: String { "\(rule)/\(server)" }

        public init(rule: String, severity: String, server: String, country: String?) {
            self.rule = rule
            self.severity = severity
            self.server = server
            self.country = country
        }
    }

    public let path: String
    /// By fingerprint.
    public let entries: [String: Entry]

    public init(path: String, entries: [Entry]) {
        self.path = path
        self.entries = Dictionary(entries.map { ($0.fingerprint, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// A JSON report (`tool.name` borderflow) or SARIF 2.1.0 file whose driver is
    /// borderflow; anything else is refused with what it looked like.
    public static func load(path: String) throws(LoadError) -> Baseline {
        func fail(_ why: String) -> LoadError { LoadError(description: "--baseline \(VisibleText.escape(path)): \(why)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw fail("not JSON (expected a borderflow JSON report or SARIF file)")
        }
        if let findings = JSONReportFindings.findings(of: top) {
            return Baseline(path: path, entries: try findings.map { f throws(LoadError) in
                guard let e = JSONReportFindings.entry(f) else { throw fail("a finding without a rule or server address") }
                return e
            })
        }
        if top["version"] as? String == "2.1.0", let runs = top["runs"] as? [[String: Any]] {
            guard let run = runs.first, ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["name"] as? String == "borderflow" else {
                throw fail("a SARIF file of another tool; give a borderflow report or SARIF file")
            }
            var entries: [Entry] = []
            for r in run["results"] as? [[String: Any]] ?? [] where r["baselineState"] as? String != "absent" {
                let props = r["properties"] as? [String: Any]
                let server = props?["server"] as? [String: Any]
                guard let rule = r["ruleId"] as? String, let ip = (server?["ip"] as? String).flatMap(IPAddress.init) else {
                    throw fail("a SARIF result without a ruleId or properties.server.ip")
                }
                entries.append(Entry(rule: rule, severity: props?["severity"] as? String ?? "", server: ip.description,
                                     country: server?["country"] as? String))
            }
            return Baseline(path: path, entries: entries)
        }
        throw fail("neither a borderflow JSON report nor a SARIF file")
    }
}

/// A finding against the baseline.
public enum BaselineState: String, Sendable {
    case new, unchanged, absent
}

extension ScanReport {
    /// The stable id of a finding across runs: its rule and server (SARIF
    /// `partialFingerprints`, the baseline's key).
    public static func fingerprint(_ f: Finding) -> String { "\(f.rule.rawValue)/\(f.server)" }

    /// `new` or `unchanged` with a baseline; nil without one.
    public func baselineState(_ f: Finding) -> BaselineState? {
        guard let baseline else { return nil }
        return baseline.entries[ScanReport.fingerprint(f)] == nil ? .new : .unchanged
    }

    /// The baseline's findings this run no longer has, by fingerprint.
    public var absentFindings: [Baseline.Entry] {
        guard let baseline else { return [] }
        let current = Set(result.findings.findings.values.map(ScanReport.fingerprint))
        return baseline.entries.filter { !current.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value)
    }

    /// `baseline`: its path and the counts of new, unchanged and absent findings, with the
    /// absent ones; present only with a baseline.
    var baselineJSON: [(String, JSON)] {
        guard let baseline else { return [] }
        let states = result.findings.findings.values.compactMap(baselineState)
        let absent = absentFindings
        return [("baseline", .object([
            ("path", .string(baseline.path)),
            ("new", .int(states.filter { $0 == .new }.count)),
            ("unchanged", .int(states.filter { $0 == .unchanged }.count)),
            ("absent", .int(absent.count)),
            ("absentFindings", .array(absent.map { e in
                .object([("rule", .string(e.rule)), ("severity", .string(e.severity)),
                         ("server", .object([("ip", .string(e.server)), ("country", .optional(e.country))])),
                         ("fingerprint", .string(e.fingerprint))])
            })),
        ]))]
    }
}
