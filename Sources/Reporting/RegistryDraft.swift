import Foundation
import Policy
import ServerRegistry
import Verdicts
import WireBytes

/// A registry drafted from traffic (`borderflow registry draft`): one entry per overseas
/// service that no entry names — servers grouped by the domain of their names, else by
/// autonomous system and country — with the purposes observed and when, marked
/// `draft: true` so that `registry check` warns until a person completes it.
public enum RegistryDraft {
    /// An unregistered server abroad, as a report shows it.
    public struct Server: Sendable, Equatable {
        public var address: IPAddress
        public var country: String
        public var hostnames: [String]
        public var categories: [String]
        public var first: Int64
        public var last: Int64
        public var flows: Int
        public var asn: UInt32?
        public var asName: String?
    }

    /// The unregistered servers of a report.
    public static func servers(of report: ScanReport) -> [Server] {
        report.result.findings.findings.values.filter { $0.rule == .unregisteredOverseasServer }.compactMap { f in
            guard let c = f.country else { return nil }
            let n = report.networks[f.server]
            return Server(address: f.server, country: c, hostnames: f.hostnames.sorted(), categories: f.categories.sortedNames,
                          first: f.first, last: f.last, flows: f.flows, asn: n?.asn, asName: n?.asName)
        }
    }

    /// The unregistered servers of a JSON report (`scan --format json`), or why not.
    public static func servers(ofJSON data: Data, path: String) throws(ReportDiff.LoadError) -> [Server] {
        guard let top = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let findings = JSONReportFindings.findings(of: top) else {
            throw ReportDiff.LoadError(description: "\(VisibleText.escape(path)): not a borderflow JSON report (scan --format json)")
        }
        return findings.compactMap { f in
            guard f["rule"] as? String == Rule.unregisteredOverseasServer.rawValue, let s = f["server"] as? [String: Any],
                  let ip = (s["ip"] as? String).flatMap(IPAddress.init), let country = s["country"] as? String else { return nil }
            func time(_ k: String) -> Int64 { (f[k] as? String).flatMap(Timestamps.parse) ?? 0 }
            return Server(address: ip, country: country, hostnames: (s["hostnames"] as? [String] ?? []).sorted(),
                          categories: (f["categories"] as? [String] ?? []).sorted(), first: time("first"), last: time("last"),
                          flows: f["flows"] as? Int ?? 0, asn: (s["asn"] as? Int).flatMap { UInt32(exactly: $0) }, asName: s["asName"] as? String)
        }
    }

    /// `a.b.example.com` → `example.com`; `x.example.co.uk` → `example.co.uk` (a short
    /// second-level label under a country code is taken as part of the suffix).
    static func domain(_ name: String) -> String {
        let labels = name.split(separator: ".")
        guard labels.count > 2 else { return name }
        let tld = labels[labels.count - 1], second = labels[labels.count - 2]
        let take = tld.count == 2 && ["co", "com", "net", "org", "gov", "ac", "edu", "ne", "or"].contains(String(second)) ? 3 : 2
        return labels.suffix(take).joined(separator: ".")
    }

    struct Group {
        var key: String
        var country: String
        var operatorName: String?
        var asText: String?
        var servers: [Server] = []
    }

    /// The draft registry as YAML, entries in a stable order (by group key).
    public static func yaml(_ servers: [Server], source: String) -> String {
        var groups: [String: Group] = [:]
        for s in servers {
            let names = s.hostnames.filter { HostnamePattern($0) != nil && !$0.hasPrefix("*.") }
            let key: String, label: String?
            if let d = names.map(domain).min() { key = "name \(d) \(s.country)"; label = d }
            else if let asn = s.asn { key = "as \(asn) \(s.country)"; label = nil }
            else { key = "address \(s.address) \(s.country)"; label = nil }
            var g = groups[key] ?? Group(key: key, country: s.country)
            if g.operatorName == nil { g.operatorName = s.asName ?? label }
            if g.asText == nil, let asn = s.asn { g.asText = "AS\(asn)" + (s.asName.map { " " + $0 } ?? "") }
            g.servers.append(Server(address: s.address, country: s.country, hostnames: names, categories: s.categories,
                                    first: s.first, last: s.last, flows: s.flows, asn: s.asn, asName: s.asName))
            groups[key] = g
        }
        var out = """
        # Registry draft written by borderflow registry draft from \(quote(source)).
        # One entry per overseas service no entry named. For each: check the operator
        # (taken from the AS data or the names seen), keep only what you approve, set
        # valid_from and valid_until, and remove `draft: true`; until then
        # `borderflow registry check` warns on it and it is not in force.
        servers:

        """
        for (i, g) in groups.values.sorted(by: { $0.key < $1.key }).enumerated() {
            let addresses = Array(Set(g.servers.map(\.address))).sorted()
            let hostnames = Array(Set(g.servers.flatMap(\.hostnames))).sorted()
            var purposes = Array(Set(g.servers.flatMap(\.categories))).sorted()
            if purposes.isEmpty { purposes = ["unknown"] }
            let first = g.servers.map(\.first).min() ?? 0, last = g.servers.map(\.last).max() ?? 0
            out += "  - id: DRAFT-\(String(format: "%04d", i + 1))\n"
            out += "    operator: \(quote(g.operatorName ?? "unknown operator"))"
                + (g.asText.map { "   # from the AS data: \(comment($0))" } ?? "") + "\n"
            out += "    country: \(g.country)\n"
            out += "    addresses: [\(addresses.map { quote($0.description) }.joined(separator: ", "))]\n"
            if !hostnames.isEmpty { out += "    hostnames: [\(hostnames.map(quote).joined(separator: ", "))]\n" }
            out += "    purposes: [\(purposes.map(quote).joined(separator: ", "))]   # observed\n"
            out += "    # first seen \(Timestamps.rfc3339(nanoseconds: first, fractionDigits: 0)), last seen "
                + "\(Timestamps.rfc3339(nanoseconds: last, fractionDigits: 0)), \(g.servers.map(\.flows).reduce(0, +)) flows\n"
            out += "    # valid_from: YYYY-MM-DD\n    # valid_until: YYYY-MM-DD\n"
            out += "    draft: true\n"
        }
        return out
    }

    /// A YAML double-quoted scalar: backslash, quote and every control escaped.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if u.value < 0x20 || (0x7F ... 0x9F).contains(u.value) || u.value == 0x2028 || u.value == 0x2029 {
                    out += "\\u" + String(format: "%04X", u.value)
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    /// Text for a YAML comment: on one line, controls made visible.
    static func comment(_ s: String) -> String { VisibleText.escape(s) }
}
