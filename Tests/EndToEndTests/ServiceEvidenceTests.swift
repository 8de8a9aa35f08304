import Foundation
import Pipeline
import Policy
import Reporting
import Setup
import Testing
import TestSupport
import Verdicts

/// TLS flows named by the services catalogue from their SNI: an IoT hub registered for
/// telemetry is no purpose mismatch, an upload to object storage abroad is data stored
/// abroad, and the offshore minimum is the user's to set.
@Suite struct ServiceEvidenceTests {
    static let broker: [UInt8] = [18, 196, 10, 20]      // DE, REG-2026-0001: telemetry, firmware-update
    static let storage: [UInt8] = [34, 120, 5, 9]       // US, unregistered

    static let capture: String = {
        var pcap = TestPcap()
        let flows: [(server: [UInt8], port: UInt16, sni: String, upload: Int)] = [
            (broker, 8883, "plant-hub.azure-devices.net", 0),
            (storage, 443, "plant-archive.s3.eu-west-1.amazonaws.com", 150),
            (storage, 443, "www.example.org", 150),
            (storage, 443, "plant-archive.s3.eu-west-1.amazonaws.com.example.org", 0),
        ]
        for (i, f) in flows.enumerated() {
            let device: [UInt8] = [100, 64, 7, UInt8(i + 1)]
            var t = 80_000_000 * 1_000_000_000 + Int64(i) * 10_000_000
            pcap.append(time: t, frame: TestPcap.tcpSYN(from: device, port: 41000, to: f.server, port: f.port))
            let hello = clientHello(sni: f.sni, alpn: [])
            pcap.append(time: t + 1_000_000, frame: TestPcap.tcp(from: device, port: 41000, to: f.server, port: f.port, flags: 0x18,
                                                                 sequence: 2, payload: hello))
            var sequence = UInt32(2 + hello.count)
            for _ in 0 ..< f.upload {
                t += 100_000
                // TLS application data records, 1,400 bytes each.
                let record: [UInt8] = [0x17, 0x03, 0x03, 0x05, 0x73] + Array(repeating: 0xA5, count: 1395)
                pcap.append(time: t + 2_000_000, frame: TestPcap.tcp(from: device, port: 41000, to: f.server, port: f.port, flags: 0x18,
                                                                     sequence: sequence, payload: record))
                sequence &+= UInt32(record.count)
            }
        }
        let path = NSTemporaryDirectory() + "borderflow-services-\(getpid()).pcap"
        try? pcap.write(to: path)
        return path
    }()

    static func run(offshoreMinimum: String? = nil) throws -> ScanResult {
        let setup = try PolicySetup.load(home: "CN", geo: [BatchTests.archive.geo], registry: BatchTests.archive.registry, config: ConfigFile(),
                                         offshoreMinimum: offshoreMinimum)
        return Scan.run([.file(capture)], policy: setup.policy, keepFlows: true)
    }

    @Test func theCatalogueNamesTheServiceAndItsCategory() throws {
        let result = try Self.run()
        let byDevice = Dictionary(uniqueKeysWithValues: result.flows.map { ($0.flow.client.description, $0) })
        let hub = try #require(byDevice["100.64.7.1"]), bucket = try #require(byDevice["100.64.7.2"])
        let web = try #require(byDevice["100.64.7.3"]), lookalike = try #require(byDevice["100.64.7.4"])
        #expect(hub.app == .tls && hub.service == "azure-iot-hub" && hub.category == .telemetry && hub.categoryEvidence == .service)
        #expect(hub.evidence == "service: tls name matches azure-iot-hub (telemetry)")
        // Registered for telemetry: the service evidence decides the purpose, so no mismatch.
        #expect(hub.registry == .registered)
        #expect(bucket.service == "amazon-s3" && bucket.category == .dataStorage && bucket.registry == .unregistered)
        #expect(web.service == nil && web.category == .web && web.categoryEvidence == .payload)
        #expect(lookalike.service == nil && lookalike.category == .web)
        let rules = result.findings.sorted.map { "\($0.rule.name) \($0.server)" }
        #expect(rules == ["unregistered-overseas-server 34.120.5.9", "offshore-data-storage 34.120.5.9"])
        let storage = try #require(result.findings.sorted.last)
        #expect(storage.evidenceTexts == ["service: tls name matches amazon-s3 (data-storage)"])
    }

    @Test func theEvidencePageListsTheStorageServiceAbroad() throws {
        let html = EvidenceReport.render(ScanReport(result: try Self.run(), home: ["CN"], version: "test"))
        let section = try #require(html.range(of: "<section id=\"storage\">").map { String(html[$0.lowerBound...].prefix { $0 != "§" }.split(separator: "</section>")[0]) })
        #expect(section.contains("34.120.5.9") && section.contains("amazon-s3"))
        #expect(!section.contains("18.196.10.20"))
    }

    @Test func theOffshoreMinimumIsConfigurable() throws {
        let high = try Self.run(offshoreMinimum: "1M")
        #expect(high.findings.sorted.map(\.rule) == [.unregisteredOverseasServer])
        #expect(throws: SetupError.self) { try Self.run(offshoreMinimum: "lots") }
    }

    @Test func aFlowRecordWritesItsService() throws {
        let result = try Self.run()
        let hub = try #require(result.flows.first { $0.service != nil })
        var writer = FlowRecordWriter()
        writer.ndjson(hub)
        let line = String(decoding: writer.buffer, as: UTF8.self)
        #expect(line.contains("\"categoryEvidence\":\"service\",\"evidence\":\"service: tls name matches azure-iot-hub (telemetry)\""))
        #expect(line.hasSuffix(",\"service\":\"azure-iot-hub\"}\n"))
        let json = FlowRecordReport.json(hub).rendered()
        #expect(json.contains("\"service\":\"azure-iot-hub\""))
    }
}
