import Flows
import Inspection
import Pipeline
import Policy
import ServerRegistry
import Testing
import Verdicts
import WireBytes

/// The local-storage finding and the tunnel rows of the maintenance log, judged on
/// records as the pipeline hands them on (the synthetic plant's geo data and registry).
@Suite struct DataStorageRuleTests {
    static func record(to server: String, app: AppProtocol, sent: UInt64, received: UInt64, time: String = "2026-06-01") -> FlowRecord {
        let first = Int64(Day(time)!.days) * 86_400 * 1_000_000_000
        let flow = OrientedFlow(first: first, last: first + 1_000_000_000, ipProtocol: 6, vlan: 0, client: IPAddress("100.64.4.1")!,
                                clientPort: 50000, server: IPAddress(server)!, serverPort: 443, packetsToServer: 10, packetsToClient: 10,
                                bytesToServer: sent, bytesToClient: received)
        return FlowRecord(flow: flow, app: app, category: CategoryRules.category(of: app))
    }

    static func rules(_ r: FlowRecord) throws -> [Rule] {
        var judged = r
        return try BatchTests.policy().judge(&judged).rules
    }

    @Test func dataStoredAbroadIsAFindingUnlessRegisteredForIt() throws {
        // Unregistered (US): both findings.
        #expect(try Self.rules(Self.record(to: "34.120.5.9", app: .postgresql, sent: 200_000, received: 4_000))
            == [.unregisteredOverseasServer, .offshoreDataStorage])
        // Registered for telemetry and firmware only (DE): the purpose mismatch, and the storage.
        #expect(try Self.rules(Self.record(to: "18.196.10.20", app: .smb, sent: 200_000, received: 4_000))
            == [.purposeMismatch, .offshoreDataStorage])
        // Queries and downloads are not data stored abroad: too little sent, or more received.
        #expect(try Self.rules(Self.record(to: "34.120.5.9", app: .mysql, sent: 60_000, received: 1_000)) == [.unregisteredOverseasServer])
        #expect(try Self.rules(Self.record(to: "34.120.5.9", app: .mysql, sent: 200_000, received: 900_000)) == [.unregisteredOverseasServer])
        // Other categories never are.
        #expect(try Self.rules(Self.record(to: "34.120.5.9", app: .tls, sent: 200_000, received: 4_000)) == [.unregisteredOverseasServer])
    }

    @Test func tunnelsAbroadAreRowsOfTheMaintenanceLog() throws {
        var result = ScanResult()
        let policy = try BatchTests.policy()
        result.add(Self.record(to: "34.120.5.9", app: .openvpn, sent: 5_000, received: 5_000), policy: policy, keepFlows: false)
        result.add(Self.record(to: "34.120.5.9", app: .tls, sent: 5_000, received: 5_000), policy: policy, keepFlows: false)
        result.finish()
        #expect(result.maintenanceSessions.map(\.app) == [.openvpn])
        #expect(result.maintenanceSessions.first?.category == .tunnel)
    }
}
