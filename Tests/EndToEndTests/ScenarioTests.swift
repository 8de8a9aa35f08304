import Foundation
import Reporting
import Testing
import TestSupport

/// Hand-checked scenarios the bundled example does not have, built byte by byte so
/// that every field of the expected report can be reasoned about:
/// - a TCP conversation whose capture starts mid-stream (the server speaks first);
/// - an SSH session opened from abroad to a plant device (inbound remote maintenance);
/// - an HTTPS session from abroad to a server at home (inbound, not a finding);
/// - a conversation known only from a NetFlow v5 export file (no packets).
/// The whole JSON report (with flows) is compared with a reviewed copy.
@Suite struct ScenarioTests {
    static let t0: UInt32 = 1_780_000_000   // 2026-05-28T20:26:40Z

    /// Ethernet + IPv4 + TCP, checksums left zero (the decoder does not need them).
    static func tcp(_ src: [UInt8], _ sport: UInt16, _ dst: [UInt8], _ dport: UInt16, flags: UInt8, seq: UInt32,
                    payload: [UInt8] = []) -> [UInt8] {
        var p: [UInt8] = [0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2, 0x08, 0x00]
        let total = 20 + 20 + payload.count
        p += [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 1, 0x40, 0, 64, 6, 0, 0] + src + dst
        p += [UInt8(sport >> 8), UInt8(sport & 0xFF), UInt8(dport >> 8), UInt8(dport & 0xFF)]
        p += [UInt8(seq >> 24), UInt8(seq >> 16 & 0xFF), UInt8(seq >> 8 & 0xFF), UInt8(seq & 0xFF), 0, 0, 0, 0]
        p += [0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0] + payload
        return p
    }

    static func pcap(_ packets: [(UInt32, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0]
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
        for (usec, p) in packets {
            out += le32(t0 + usec / 1_000_000) + le32(usec % 1_000_000) + le32(UInt32(p.count)) + le32(UInt32(p.count)) + p
        }
        return out
    }

    /// One NetFlow v5 export message with one record: 10.1.1.7:51000 → 45.30.0.1:8883.
    static func netflowV5() -> [UInt8] {
        func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let uptime: UInt32 = 600_000
        var m = be16(5) + be16(1) + be32(uptime) + be32(t0 + 60) + be32(0) + be32(1) + [0, 0] + be16(0)
        m += [10, 1, 1, 7] + [45, 30, 0, 1] + [0, 0, 0, 0] + be16(1) + be16(2)
        m += be32(12) + be32(4_800) + be32(uptime - 30_000) + be32(uptime - 5_000)
        m += be16(51_000) + be16(8_883) + [0, 0x1B, 6, 0] + be16(0) + be16(0) + [24, 16] + [0, 0]
        return m
    }

    static func writeScenario(to dir: String) throws {
        let plant5: [UInt8] = [10, 1, 1, 5], plant6: [UInt8] = [10, 1, 1, 6], web: [UInt8] = [36, 0, 0, 5]
        let cloud: [UInt8] = [45, 10, 0, 1], vendor: [UInt8] = [45, 20, 0, 1], visitor: [UInt8] = [45, 21, 0, 1]
        let tlsData: [UInt8] = [0x17, 0x03, 0x03, 0x00, 0x20] + Array(repeating: 0xAB, count: 32)
        let packets: [(UInt32, [UInt8])] = [
            // Mid-stream: the first packet comes from the server (port 443), no SYN anywhere.
            (0, tcp(cloud, 443, plant5, 50_000, flags: 0x18, seq: 9_000, payload: tlsData)),
            (1_000, tcp(plant5, 50_000, cloud, 443, flags: 0x18, seq: 7_000, payload: tlsData)),
            (2_000, tcp(cloud, 443, plant5, 50_000, flags: 0x10, seq: 9_037)),
            // Inbound SSH: a vendor abroad connects to a plant device behind NAT.
            (10_000, tcp(vendor, 40_000, plant6, 22, flags: 0x02, seq: 100)),
            (11_000, tcp(plant6, 22, vendor, 40_000, flags: 0x12, seq: 500)),
            (12_000, tcp(vendor, 40_000, plant6, 22, flags: 0x10, seq: 101)),
            (13_000, tcp(plant6, 22, vendor, 40_000, flags: 0x18, seq: 501, payload: Array("SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n".utf8))),
            (14_000, tcp(vendor, 40_000, plant6, 22, flags: 0x18, seq: 101, payload: Array("SSH-2.0-PuTTY_Release_0.81\r\n".utf8))),
            // Inbound HTTPS from abroad to a public server at home: inbound, but no finding.
            (20_000, tcp(visitor, 41_000, web, 443, flags: 0x02, seq: 1)),
            (21_000, tcp(web, 443, visitor, 41_000, flags: 0x12, seq: 2)),
            (22_000, tcp(visitor, 41_000, web, 443, flags: 0x10, seq: 2)),
        ]
        try Data(pcap(packets)).write(to: URL(fileURLWithPath: dir + "/scenario.pcap"))
        try Data(netflowV5()).write(to: URL(fileURLWithPath: dir + "/exports.nf5"))
        try """
        cidr,cc
        45.10.0.0/16,DE
        45.20.0.0/16,DE
        45.21.0.0/16,US
        45.30.0.0/16,JP
        36.0.0.0/16,CN

        """.write(toFile: dir + "/geo.csv", atomically: true, encoding: .utf8)
        try """
        servers:
          - id: REG-2026-0100
            operator: Example Broker KK
            country: JP
            addresses: [45.31.0.0/16]
            purposes: [telemetry]
            valid_from: 2026-01-01

        """.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
    }

    @Test func handCheckedScenariosGiveTheReviewedReport() throws {
        let dir = NSTemporaryDirectory() + "borderflow-scenario-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.writeScenario(to: dir)
        let report = try scan([dir + "/scenario.pcap", dir + "/exports.nf5"], geo: dir + "/geo.csv", registry: dir + "/registry.yaml",
                              keepFlows: true)
        let produced = report.json.rendered(pretty: true).replacingOccurrences(of: dir + "/", with: "") + "\n"
        let expectedPath = Fixtures.packageRoot + "/Tests/EndToEndTests/Scenarios/scenarios-report.json"
        if ProcessInfo.processInfo.environment["BORDERFLOW_WRITE_EXPECTED"] != nil {
            try produced.write(toFile: expectedPath, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOfFile: expectedPath, encoding: .utf8)
        #expect(produced == expected)
        let log = report.maintenanceLog.split(separator: "\n")
        #expect(log.count == 2)
        // Inbound: the device is the plant server, the remote side the vendor abroad.
        let row = "2026-05-28T20:26:40.010000Z,2026-05-28T20:26:40.014000Z,10.1.1.6,45.20.0.1,22,DE,ssh,112,148,,,inbound,02:00:00:00:00:02,,"
        #expect(log.last == Substring(row + "," + MaintenanceLog.link(MaintenanceLog.genesis, row)))
    }
}
