import ServerRegistry

/// Section 7: which registry entries the traffic used, and which it never touched
/// (candidates for removal, or a sign that a capture point is missing).
enum EvidenceRegistrySection {
    static func render(_ report: ScanReport) -> String {
        let used = report.result.registryEntriesUsed
        guard let scope = report.scope else {
            var out = "<p class=\"notice\">The registry was not recorded with this report, so entries never seen cannot be listed.</p>\n"
            out += "<p>Entries used by this traffic: " + HTMLText.capped(used.sorted(), limit: 200) + "</p>\n"
            return out
        }
        let entries = scope.registryEntries.sorted { $0.id < $1.id }
        guard !entries.isEmpty else { return "<p>The registry is empty (or none was given).</p>\n" }
        let seen = entries.filter { used.contains($0.id) }
        let unseen = entries.filter { !used.contains($0.id) }
        // Which findings name an entry: why an entry in use still shows up here.
        var findingsByEntry: [String: [String]] = [:]
        for f in report.result.findings.sorted {
            if let id = f.registryEntry { findingsByEntry[id, default: []].append("\(f.rule.rawValue) \(f.server)") }
        }
        var out = HTMLTable.facts([
            ("Entries", .number(entries.count)), ("Used by this traffic", .number(seen.count)), ("Never seen", .number(unseen.count)),
        ])
        out += "<h3>Entries used</h3>\n"
        out += seen.isEmpty ? "<p>None.</p>\n" : HTMLTable.render(headers + ["Findings naming it"], seen.map { e in
            row(e) + [.markup(HTMLText.capped(findingsByEntry[e.id] ?? [], limit: 20))]
        })
        out += "<h3>Entries never seen</h3>\n"
        out += unseen.isEmpty ? "<p>None: the traffic used every entry.</p>\n" : HTMLTable.render(headers, unseen.map(row))
        let unknown = used.subtracting(entries.map(\.id)).sorted()
        if !unknown.isEmpty {
            out += "<p class=\"notice\">Entries used but not in this registry: " + HTMLText.capped(unknown, limit: 50) + "</p>\n"
        }
        return out
    }

    static let headers = ["ID", "Operator", "Country", "Addresses", "Hostnames", "Purposes", "Valid from", "Valid until"]

    static func row(_ e: RegistryEntry) -> [HTMLCell] {
        [.text(e.id, "mono"), .text(e.operatorName), .text(e.country),
         .markup(HTMLText.capped(e.addresses.map(\.description), limit: 20), "mono"),
         .markup(HTMLText.capped(e.hostnames.map(\.description), limit: 20), "name"),
         .markup(HTMLText.capped(e.purposes.map(\.name), limit: 20)),
         .text(e.validFrom.map(\.description) ?? "—"), .text(e.validUntil.map(\.description) ?? "open end")]
    }
}
