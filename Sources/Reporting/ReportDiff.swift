import Foundation
import WireBytes

/// What changed between two JSON reports of borderflow (`borderflow diff`): findings
/// by fingerprint, and the servers, countries and categories they name.
public struct ReportDiff: Sendable, Equatable {
    public struct Side: Sendable, Equatable {
        public var findings: [String: Baseline.Entry] = [:]
        public var servers: Set<String> = []
        public var countries: Set<String> = []
        public var categories: Set<String> = []
    }

    public let old: Side
    public let new: Side

    public struct LoadError: Error, CustomStringConvertible, Sendable { public let description: String }

    /// A borderflow JSON report's findings, or an error naming the file.
    public static func side(path: String) throws(LoadError) -> Side {
        let findings = try JSONReportFindings.load(path: path).get()
        var s = Side()
        for f in findings {
            guard let e = JSONReportFindings.entry(f) else {
                throw LoadError(description: "\(VisibleText.escape(path)): a finding without a rule or server address")
            }
            s.findings[e.fingerprint] = e
            s.servers.insert(e.server)
            if let c = e.country { s.countries.insert(c) }
            for c in f["categories"] as? [String] ?? [] { s.categories.insert(c) }
        }
        return s
    }

    public init(old: Side, new: Side) {
        self.old = old
        self.new = new
    }

    public var addedFindings: [Baseline.Entry] { new.findings.filter { old.findings[$0.key] == nil }.sorted { $0.key < $1.key }.map(\.value) }
    public var removedFindings: [Baseline.Entry] { old.findings.filter { new.findings[$0.key] == nil }.sorted { $0.key < $1.key }.map(\.value) }
    public var isEmpty: Bool {
        addedFindings.isEmpty && removedFindings.isEmpty && old.servers == new.servers && old.countries == new.countries
            && old.categories == new.categories
    }

    static func added(_ a: Set<String>, _ b: Set<String>) -> [String] { b.subtracting(a).sorted() }

    public var text: String {
        var out = ""
        func list(_ title: String, _ plus: [String], _ minus: [String]) {
            out += "\(title): +\(plus.count) -\(minus.count)\n"
            for p in plus { out += "  + \(VisibleText.escape(p))\n" }
            for m in minus { out += "  - \(VisibleText.escape(m))\n" }
        }
        func line(_ e: Baseline.Entry) -> String { "\(e.severity) \(e.rule) \(e.server) \(e.country ?? "??")" }
        list("findings", addedFindings.map(line), removedFindings.map(line))
        list("servers", Self.added(old.servers, new.servers), Self.added(new.servers, old.servers))
        list("countries", Self.added(old.countries, new.countries), Self.added(new.countries, old.countries))
        list("categories", Self.added(old.categories, new.categories), Self.added(new.categories, old.categories))
        return out
    }

    public var json: JSON {
        func entry(_ e: Baseline.Entry) -> JSON {
            .object([("rule", .string(e.rule)), ("severity", .string(e.severity)),
                     ("server", .object([("ip", .string(e.server)), ("country", .optional(e.country))])), ("fingerprint", .string(e.fingerprint))])
        }
        func pair(_ a: Set<String>, _ b: Set<String>) -> JSON {
            .object([("added", .array(Self.added(a, b).map(JSON.string))), ("removed", .array(Self.added(b, a).map(JSON.string)))])
        }
        return .object([
            ("findings", .object([("added", .array(addedFindings.map(entry))), ("removed", .array(removedFindings.map(entry)))])),
            ("servers", pair(old.servers, new.servers)),
            ("countries", pair(old.countries, new.countries)),
            ("categories", pair(old.categories, new.categories)),
        ])
    }
}
