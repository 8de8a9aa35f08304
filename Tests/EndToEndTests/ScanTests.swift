import Foundation
import Geo
import Pipeline
import PlantSynth
import Policy
import Reporting
import ServerRegistry
import Setup
import Testing
import TestSupport
import Verdicts
import WireBytes

enum Package {
    static let root = Fixtures.packageRoot
}

/// The policy a run gets from these sources, set up as the command line does it.
func policy(geo: String, registry: String, home: [String] = ["CN"]) throws -> Policy {
    let setup = try PolicySetup.load(home: home.joined(separator: ","), geo: [geo], registry: registry, config: ConfigFile())
    #expect(setup.registryWarnings.isEmpty)
    return setup.policy
}

func scan(_ paths: [String], geo: String, registry: String, home: [String] = ["CN"], keepFlows: Bool = false) throws -> ScanReport {
    let policy = try policy(geo: geo, registry: registry, home: home)
    let result = Scan.run(paths.map { .file($0) }, policy: policy, keepFlows: keepFlows)
    return ScanReport(result: result, home: home, version: "0.1.0", includeFlows: keepFlows)
}

/// Writes a synthetic plant capture (deterministic for a seed) to `path`.
@discardableResult
func synthesize(to path: String, seed: UInt64, bytes: Int, format: CaptureFileFormat = .pcap) throws -> SynthSummary {
    var options = SynthOptions()
    options.seed = seed
    options.targetBytes = bytes
    options.format = format
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    defer { close(fd) }
    var generator = PlantGenerator(options: options)
    return try generator.write(to: fd)
}

@Suite struct ScanTests {
    /// The bundled example scans to exactly the reviewed report.
    @Test func bundledExampleMatchesItsReviewedReport() throws {
        let c = Package.root + "/Captures/"
        let report = try scan([c + "plant-example.pcapng"], geo: c + "plant-example-geo.csv", registry: c + "plant-example-registry.yaml")
        let produced = report.json.rendered(pretty: true).replacingOccurrences(of: Package.root + "/", with: "") + "\n"
        let expected = try String(contentsOfFile: c + "plant-example-report.json", encoding: .utf8)
        #expect(produced == expected)
    }

    /// synth's ground truth, scanned at another seed and size: every expected finding, nothing else.
    @Test func synthesizedPlantFindsItsGroundTruth() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bf-synth-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let summary = try synthesize(to: dir + "/plant.pcap", seed: 42, bytes: 3 << 20)
        #expect(summary.packets > 1000)
        try PlantModel.geoCSV.write(toFile: dir + "/geo.csv", atomically: true, encoding: .utf8)
        try PlantModel.registryYAML.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        let report = try scan([dir + "/plant.pcap"], geo: dir + "/geo.csv", registry: dir + "/registry.yaml")
        let found = Set(report.result.findings.sorted.map { "\($0.rule.rawValue) \($0.server)" })
        let expected = Set(PlantModel.expectedFindings.map { "\($0.0) \($0.1)" })
        #expect(found == expected)
        #expect(report.result.inputs[0].summary.packets == summary.packets)
        // The maintenance log has one row per session, with a header.
        #expect(report.maintenanceLog.split(separator: "\n").count == report.result.maintenanceSessions.count + 1)
    }

    /// The synthetic plant's encrypted and tunnelled traffic: MQTT over TLS known by its
    /// ALPN (and so registered, not a purpose mismatch), remote access and tunnels in the
    /// maintenance log, device data stored abroad as a finding with its evidence.
    @Test func synthesizedPlantCarriesWhatItSays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bf-synth-carries-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try synthesize(to: dir + "/plant.pcap", seed: 42, bytes: 3 << 20)
        try PlantModel.geoCSV.write(toFile: dir + "/geo.csv", atomically: true, encoding: .utf8)
        try PlantModel.registryYAML.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        let report = try scan([dir + "/plant.pcap"], geo: dir + "/geo.csv", registry: dir + "/registry.yaml", keepFlows: true)
        let r = report.result
        let broker = r.flows.filter { $0.flow.server.description == "18.196.10.30" }
        #expect(!broker.isEmpty)
        for f in broker {
            #expect(f.app == .tls && f.category == .telemetry && f.categoryEvidence == .alpn && f.registry == .registered)
            #expect(f.evidence == "ALPN: tls offers mqtt")
        }
        #expect(Set(r.maintenanceSessions.map(\.app)).isSuperset(of: [.teamviewer, .openvpn, .wireguard, .ssh, .rdp]))
        #expect(r.maintenanceSessions.filter { $0.app == .openvpn }.allSatisfy { $0.category == .tunnel })
        let storage = try #require(r.findings.sorted.first { $0.rule == .offshoreDataStorage })
        #expect(storage.server.description == "3.64.10.5" && storage.apps == [.postgresql] && storage.evidenceTexts == ["payload: postgresql"])
        let page = EvidenceReport.render(report)
        #expect(page.contains("offshore-data-storage") && page.contains("payload: postgresql"))
        // The "Data stored abroad" section names the database server, unregistered.
        let storageSection = try #require(page.components(separatedBy: "<section id=\"storage\">").dropFirst().first?
            .components(separatedBy: "</section>").first)
        #expect(storageSection.contains("3.64.10.5") && storageSection.contains("postgresql") && storageSection.contains("unregistered"))
        #expect(report.maintenanceLog.contains(",openvpn,") && report.maintenanceLog.contains(",teamviewer,"))
        // Named by the services catalogue from the SNI alone: the hub's telemetry is what its
        // entry approves; the upload to object storage is data stored abroad.
        let hub = r.flows.filter { $0.flow.server.description == "40.113.176.10" }
        #expect(!hub.isEmpty)
        for f in hub {
            #expect(f.service == "azure-iot-hub" && f.category == .telemetry && f.categoryEvidence == .service && f.registry == .registered)
        }
        let upload = try #require(r.findings.sorted.first { $0.rule == .offshoreDataStorage && $0.server.description == "52.219.170.10" })
        #expect(upload.apps == [.tls] && upload.evidenceTexts == ["service: tls name matches amazon-s3 (data-storage)"])
        #expect(storageSection.contains("52.219.170.10") && storageSection.contains("amazon-s3"))
    }

    @Test func synthIsDeterministic() throws {
        func make(_ seed: UInt64) throws -> Data {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("bf-det-\(getpid())-\(seed).pcapng").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            var o = SynthOptions()
            o.seed = seed
            o.targetBytes = 200_000
            o.format = .pcapngBig
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            var g = PlantGenerator(options: o)
            _ = try g.write(to: fd)
            close(fd)
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        #expect(try make(1) == make(1))
        #expect(try make(1) != make(2))
    }

    /// The SARIF output validates against the SARIF 2.1.0 schema (Python jsonschema).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: Package.root + "/../shared/spec/sarif-schema-2.1.0.json"), "SARIF schema not present at ../shared/spec"))
    func sarifValidatesAgainstTheSchema() throws {
        let c = Package.root + "/Captures/"
        var report = try scan([c + "plant-example.pcapng"], geo: c + "plant-example-geo.csv", registry: c + "plant-example-registry.yaml")
        // Against a baseline: every result has a baselineState, and one absent result is added.
        report.baseline = Baseline(path: "previous.sarif", entries: [
            .init(rule: "unregistered-overseas-server", severity: "high", server: "192.0.2.1", country: "US"),
            .init(rule: "remote-maintenance", severity: "info", server: "13.75.1.9", country: "HK"),
        ])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bf-\(getpid()).sarif").path
        try report.sarif.rendered(pretty: true).write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", """
        import copy, json, sys
        try:
            import jsonschema
        except ImportError:
            print("python3 jsonschema is missing: scripts/install-deps.sh installs it (Debian python3-jsonschema)"); sys.exit(3)
        schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
        jsonschema.validate(doc, schema)
        results = doc["runs"][0]["results"]
        assert len(results) == 7, len(results)
        states = sorted(r["baselineState"] for r in results)
        assert states == ["absent", "new", "new", "new", "new", "new", "unchanged"], states
        # The validator rejects what SARIF forbids: a result level outside the enum.
        broken = copy.deepcopy(doc); broken["runs"][0]["results"][0]["level"] = "severe"
        try:
            jsonschema.validate(broken, schema)
            print("the validator accepted a broken SARIF document"); sys.exit(4)
        except jsonschema.ValidationError:
            pass
        print("valid")
        """, Package.root + "/../shared/spec/sarif-schema-2.1.0.json", path]
        let pipe = Pipe()
        check.standardOutput = pipe
        check.standardError = pipe
        try check.run()
        check.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(check.terminationStatus == 0, "\(out)")
    }
}
