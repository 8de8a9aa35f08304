/// Section 5: the remote-maintenance log, with the columns of the retention CSV
/// (`--maintenance-log`), which stays the complete record.
enum EvidenceMaintenanceSection {
    static let maxSessions = 500

    static func render(_ report: ScanReport) -> String {
        let sessions = report.result.maintenanceSessions
        guard !sessions.isEmpty else { return "<p>No remote-maintenance session crossed the border.</p>\n" }
        let rows: [[HTMLCell]] = sessions.prefix(maxSessions).map { r in
            let f = r.flow
            return [
                .text(HTMLText.time(f.first)), .text(HTMLText.time(f.last)),
                .text(f.client.description, "mono"), .text(f.server.description, "mono"), .number(f.serverPort),
                .text(r.serverCountry ?? "—"), .text(r.app), .number(f.bytesToServer), .number(f.bytesToClient),
                .text(report.registryEntryFor(r) ?? "none", "mono"), .text(r.hostname ?? "—", "name"),
            ]
        }
        return HTMLTable.render(["Start (UTC)", "End (UTC)", "Device", "Remote address", "Remote port", "Country", "App",
                                 "Bytes to remote", "Bytes from remote", "Registry entry", "Hostname"],
                                rows, cssClass: "flows", omitted: max(0, sessions.count - maxSessions),
                                omittedNote: "sessions (write them all with --maintenance-log FILE)")
    }
}
