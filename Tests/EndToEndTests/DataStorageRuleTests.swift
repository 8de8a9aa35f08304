import Flows
import Foundation
import Inspection
import Pipeline
import Policy
import ServerRegistry
import TestSupport
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

    /// File protocols move files or keep them: an entry approving either purpose accepts them.
    @Test func eitherFilePurposeAcceptsAFileProtocol() throws {
        let yaml = """
        servers:
          - id: FILES
            operator: Files Ltd
            country: DE
            addresses: [18.196.10.20]
            purposes: [file-transfer]
            valid_from: 2026-01-01
        """
        let dir = NSTemporaryDirectory() + "borderflow-filepurpose-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try yaml.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        let policy = try EndToEndTests.policy(geo: BatchTests.archive.geo, registry: dir + "/registry.yaml")
        var smb = Self.record(to: "18.196.10.20", app: .smb, sent: 200_000, received: 4_000)
        #expect(policy.judge(&smb).rules.isEmpty && smb.registry == .registered)
        // A database is no file protocol: data stored abroad on a server approved for files only.
        var db = Self.record(to: "18.196.10.20", app: .postgresql, sent: 200_000, received: 4_000)
        #expect(policy.judge(&db).rules == [.purposeMismatch, .offshoreDataStorage])
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

/// MQTT over TLS to a broker registered for telemetry: known from the ClientHello's
/// ALPN, or (a hint) from the secure-MQTT port; neither is `web`, so neither raises a
/// purpose mismatch, and a port alone never does.
@Suite struct EncryptedTelemetryTests {
    static let capture: String = {
        var pcap = TestPcap()
        let broker: [UInt8] = [18, 196, 10, 20]   // REG-2026-0001: telemetry, firmware-update
        for (i, (port, alpn)) in [(UInt16(8883), [String]()), (443, ["mqtt"]), (443, ["h2"])].enumerated() {
            let device: [UInt8] = [100, 64, 6, UInt8(i + 1)]
            let t = 80_000_000 * 1_000_000_000 + Int64(i) * 10_000_000   // 2026-05, within the entry's validity
            pcap.append(time: t, frame: TestPcap.tcpSYN(from: device, port: 40000, to: broker, port: port))
            pcap.append(time: t + 1_000_000, frame: TestPcap.tcp(from: device, port: 40000, to: broker, port: port, flags: 0x18, sequence: 2,
                                                                 payload: clientHello(sni: "broker.eu-cloud.example", alpn: alpn)))
        }
        let path = NSTemporaryDirectory() + "borderflow-mqtt-tls-\(getpid()).pcap"
        try? pcap.write(to: path)
        return path
    }()

    @Test func alpnAndPortSayTelemetryAndOnlyTheWebFlowMismatches() throws {
        let result = Scan.run([.file(Self.capture)], policy: try BatchTests.policy(), keepFlows: true)
        let byDevice = Dictionary(uniqueKeysWithValues: result.flows.map { ($0.flow.client.description, $0) })
        let port = try #require(byDevice["100.64.6.1"]), alpn = try #require(byDevice["100.64.6.2"]), web = try #require(byDevice["100.64.6.3"])
        #expect(port.app == .tls && port.category == .telemetry && port.categoryEvidence == .port && port.offered == .mqtt)
        #expect(port.evidence == "port: tls to 8883, the port of mqtt over TLS (a hint)")
        #expect(alpn.category == .telemetry && alpn.categoryEvidence == .alpn && alpn.evidence == "ALPN: tls offers mqtt")
        #expect(port.registry == .registered && alpn.registry == .registered)
        // The broker is not registered for web: that flow alone is a purpose mismatch.
        #expect(web.category == .web && web.registry == .purposeMismatch)
        #expect(result.findings.sorted.map(\.rule) == [.purposeMismatch])
        #expect(result.findings.sorted.first?.evidenceTexts == ["payload: tls"])
    }
}
