import Inspection
import Pipeline
import Verdicts
import WireBytes

/// Section 5: data stored abroad. Every server abroad that devices sent data-storage
/// traffic to (databases, file shares and sync, and storage services the catalogue
/// names, such as object storage over TLS), registered or not: what local storage rules
/// ask a plant to know first.
enum EvidenceStorageSection {
    static let maxServers = 500

    struct Server {
        var country = ""
        var status = RegistryStatus.notApplicable
        var apps: Set<AppProtocol> = []
        var services: Set<String> = []
        var devices: Set<IPAddress> = []
        var bytes: UInt64 = 0
    }

    static func render(_ report: ScanReport) -> String {
        var servers: [IPAddress: Server] = [:]
        for (edge, t) in report.result.crossBorder {
            let storage = t.apps.filter { CategoryRules.category(of: $0) == .dataStorage }
            guard !storage.isEmpty || t.categories.contains(.dataStorage) else { continue }
            var s = servers[edge.server] ?? Server()
            s.country = t.country
            s.status = max(s.status, t.registry)
            s.apps.formUnion(storage.isEmpty ? t.apps : storage)
            s.services.formUnion(t.services.sorted())
            s.devices.insert(edge.device)
            s.bytes &+= t.bytes
            servers[edge.server] = s
        }
        guard !servers.isEmpty else { return "<p>No device sent data-storage traffic (databases, file shares, sync, storage services) to a server abroad.</p>\n" }
        let ordered = servers.sorted { ($1.value.bytes, $0.key) < ($0.value.bytes, $1.key) }
        let rows: [[HTMLCell]] = ordered.prefix(maxServers).map { address, s in
            [.text(address.description, "mono"), .text(s.country), .markup(EvidenceFindingsSection.statusText(s.status.name)),
             .text(s.apps.sortedNames.joined(separator: ", ")), .text(s.services.sorted().joined(separator: ", ")), .number(s.devices.count), .text(HTMLText.bytes(s.bytes))]
        }
        return "<p class=\"note\">Bytes are those of the device-to-server conversations that carried data-storage traffic; "
            + "a server not registered for data-storage, with enough data sent to it, is an offshore-data-storage finding above.</p>\n"
            + HTMLTable.render(["Server", "Country", "Registry", "Apps", "Services", "Devices", "Bytes"], rows, cssClass: "flows",
                               omitted: max(0, ordered.count - maxServers), omittedNote: "servers (every one is in the JSON report's flows with --include-flows)")
    }
}
