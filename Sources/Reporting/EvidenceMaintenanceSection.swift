/// Section 6: the remote-maintenance log, with the columns of the retention CSV
/// (`--maintenance-log`), which stays the complete record.
enum EvidenceMaintenanceSection {
    static let maxSessions = 500

    static func render(_ report: ScanReport) -> String {
        let sessions = report.result.maintenanceSessions
        guard !sessions.isEmpty else { return "<p>No remote-maintenance session crossed the border.</p>\n" }
        let rows: [[HTMLCell]] = sessions.prefix(maxSessions).map { r in
            let f = r.flow
            // Inbound sessions (opened from abroad): the device is the server at home.
            let device = r.inbound ? f.server : f.client, remote = r.inbound ? f.client : f.server
            return [
                .text(HTMLText.time(f.first)), .text(HTMLText.time(f.last)),
                .text(device.description, "mono"), .text(remote.description, "mono"), .number(f.serverPort),
                .text((r.inbound ? r.clientCountry : r.serverCountry) ?? "—"), .text(r.app.name),
                .number(r.inbound ? f.bytesToClient : f.bytesToServer), .number(r.inbound ? f.bytesToServer : f.bytesToClient),
                .text(r.inbound ? "—" : report.registryEntryFor(r) ?? "none", "mono"), .text(r.hostname ?? "—", "name"),
                .text(r.inbound ? "inbound" : "outbound"),
            ]
        }
        return HTMLTable.render(["Start (UTC)", "End (UTC)", "Device", "Remote address", "Port", "Country", "App",
                                 "Bytes to remote", "Bytes from remote", "Registry entry", "Hostname", "Direction"],
                                rows, cssClass: "flows", omitted: max(0, sessions.count - maxSessions),
                                omittedNote: "sessions (write them all with --maintenance-log FILE)")
    }
}
