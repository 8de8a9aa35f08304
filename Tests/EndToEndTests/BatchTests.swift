import Foundation
import Geo
import Pipeline
import PlantSynth
import Policy
import Reporting
import ServerRegistry
import Testing
import TestSupport
import WireBytes

/// Batch runs: the report does not depend on the worker count, on sharding, or on
/// partial results saved and merged, as plant-wide batch runs need.
@Suite struct BatchTests {
    /// A small archive of synthetic captures (different seeds and formats) with one ground truth.
    static let archive: (dir: String, geo: String, registry: String) = {
        let dir = NSTemporaryDirectory() + "borderflow-batch-\(getpid())"
        let captures = dir + "/captures"
        try? FileManager.default.createDirectory(atPath: captures, withIntermediateDirectories: true)
        let formats: [CaptureFileFormat] = [.pcap, .pcapng, .pcap, .pcapngBig, .pcapNano]
        for (i, format) in formats.enumerated() {
            _ = try? synthesize(to: captures + "/plant-\(i).cap", seed: UInt64(i + 1), bytes: 400_000, format: format)
        }
        try? PlantModel.geoCSV.write(toFile: dir + "/geo.csv", atomically: true, encoding: .utf8)
        try? PlantModel.registryYAML.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        return (captures, dir + "/geo.csv", dir + "/registry.yaml")
    }()

    static func policy() throws -> Policy {
        try EndToEndTests.policy(geo: archive.geo, registry: archive.registry)
    }

    static func render(_ result: ScanResult, inputs: [ReportInput]? = nil) -> String {
        let report = inputs.map { ScanReport(result: result, inputs: $0, home: ["CN"], version: "test", includeFlows: true) }
            ?? ScanReport(result: result, home: ["CN"], version: "test", includeFlows: true)
        return report.json.rendered(pretty: true) + report.sarif.rendered() + report.maintenanceLog + report.csv
    }

    @Test func sameReportForOneAndTwoWorkersAndMergedShards() throws {
        let inputs = Inputs.expand([Self.archive.dir])
        #expect(inputs.count == 5)
        let policy = try Self.policy()
        let one = Self.render(Scan.run(inputs, policy: policy, keepFlows: true, jobs: 1))
        let two = Self.render(Scan.run(inputs, policy: policy, keepFlows: true, jobs: 2))
        #expect(one == two)
        #expect(one.contains("unregistered-overseas-server"))

        // Shards 1/3, 2/3, 3/3, each saved as a partial file and read back, merged in any order.
        var parts: [(path: String, partial: PartialReport)] = []
        var covered: [Int] = []
        for k in [3, 1, 2] {
            let shard = try #require(InputShard(k: k, n: 3))
            let picked = shard.select(inputs)
            covered += picked
            let result = Scan.run(picked.map { inputs[$0] }, indexes: picked, policy: policy, keepFlows: true, jobs: 2)
            let data = try PartialReport(result: result, home: ["CN"], tool: "test", totalInputs: inputs.count, includeFlows: true).encoded()
            parts.append(("shard\(k)", try PartialReport.decode(data, path: "shard\(k)")))
        }
        #expect(covered.sorted() == Array(inputs.indices))
        let (merged, mergedInputs, home, includeFlows) = try PartialReport.merge(parts)
        #expect(home == ["CN"] && includeFlows)
        #expect(Self.render(merged, inputs: mergedInputs) == one)
    }

    @Test func overlappingPartialsAreRefused() throws {
        let inputs = Inputs.expand([Self.archive.dir])
        let result = Scan.run(Array(inputs.prefix(2)), policy: try Self.policy(), jobs: 1)
        let p = PartialReport(result: result, home: ["CN"], tool: "test", totalInputs: inputs.count, includeFlows: false)
        #expect(throws: PartialReportError.self) { try PartialReport.merge([("a", p), ("b", p)]) }
        // Shards of runs over different input lists (the archive grew between them).
        let second = Scan.run([inputs[2]], indexes: [2], policy: try Self.policy(), jobs: 1)
        let grown = PartialReport(result: second, home: ["CN"], tool: "test", totalInputs: inputs.count + 1, includeFlows: false)
        #expect(throws: PartialReportError.self) { try PartialReport.merge([("a", p), ("b", grown)]) }
        let same = PartialReport(result: second, home: ["CN"], tool: "test", totalInputs: inputs.count, includeFlows: false)
        #expect(throws: Never.self) { try PartialReport.merge([("a", p), ("b", same)]) }
        #expect(throws: PartialReportError.self) { try PartialReport.decode(Data("{\"format\":1}".utf8), path: "x") }
    }

    /// Shards carry the scope (geo sources, registry), so `merge --format html` shows it.
    @Test func partialsCarryTheScope() throws {
        let inputs = Inputs.expand([Self.archive.dir])
        let (registry, _) = RegistryLoader.load(path: Self.archive.registry)
        let scope = ScanScope(home: ["CN"], geoSources: [.init(path: Self.archive.geo, ranges: 10, modified: 1)],
                              registryPath: Self.archive.registry, registryModified: 2, registryDigest: "abc",
                              registryEntries: registry.entries)
        #expect(!registry.entries.isEmpty)
        var parts: [(path: String, partial: PartialReport)] = []
        for k in 1 ... 2 {
            let picked = try #require(InputShard(k: k, n: 2)).select(inputs)
            let result = Scan.run(picked.map { inputs[$0] }, indexes: picked, policy: try Self.policy())
            let data = try PartialReport(result: result, home: ["CN"], tool: "test", totalInputs: inputs.count,
                                         includeFlows: false, scope: scope).encoded()
            parts.append(("p\(k)", try PartialReport.decode(data, path: "p\(k)")))
        }
        let merged = try PartialReport.mergeWithScope(parts)
        #expect(merged.scope == scope)
        let html = EvidenceReport.render(ScanReport(result: merged.0, inputs: merged.1, home: ["CN"], version: "test", scope: merged.scope))
        #expect(html.contains(Self.archive.registry) && !html.contains("not recorded"))
        // Shards scanned against another registry do not add up to one run.
        var other = parts[1]
        other.partial.scope?.registryDigest = "def"
        #expect(throws: PartialReportError.self) { try PartialReport.mergeWithScope([parts[0], other]) }
        // A partial without a scope (older, or a state file) merges to a report without one.
        other.partial.scope = nil
        #expect(try PartialReport.mergeWithScope([parts[0], other]).scope == nil)
    }

    @Test func shardsAreStableWhenTheArchiveGrows() throws {
        let shard = try #require(InputShard(k: 2, n: 4))
        let a: [InputSource] = (0 ..< 50).map { .file("captures/f\($0).pcap") }
        let b = a + (50 ..< 80).map { .file("captures/f\($0).pcap") }
        let shards = (1 ... 4).compactMap { InputShard(k: $0, n: 4) }
        for input in b { #expect(shards.filter { $0.contains(input) }.count == 1) }
        #expect(Set(shard.select(a).map { a[$0].displayPath }).isSubset(of: Set(shard.select(b).map { b[$0].displayPath })))
        #expect(InputShard(k: 0, n: 3) == nil && InputShard(k: 4, n: 3) == nil)
    }

    @Test func savedInputObjectsReadBackUnchanged() throws {
        let inputs = Inputs.expand([Self.archive.dir])
        let result = Scan.run(inputs, policy: try Self.policy(), jobs: 2)
        for (i, scan) in zip(result.inputIndexes, result.inputs) {
            let json = ReportInput(index: i, scan: scan).json
            #expect(JSON.parse(json.rendered()) == json)
            #expect(JSON.parse(json.rendered(pretty: true)) == json)
            // Every cut of the text, and bytes flipped: no crash, and a cut text never parses.
            let text = Array(json.rendered().utf8)
            for cut in 0 ..< text.count {
                #expect(JSON.parse(String(decoding: text[..<cut], as: UTF8.self)) == nil)
            }
            var flipped = text
            for k in stride(from: 0, to: flipped.count, by: 7) {
                flipped[k] ^= 0x5C
                _ = JSON.parse(String(decoding: flipped, as: UTF8.self))
            }
        }
        #expect(JSON.parse("{\"a\": [1, -2.5e3, \"x\\u00e9\\ud83d\\ude00\\n\", true, null]}")
            == .object([("a", .array([.int(1), .double(-2500), .string("xé😀\n"), .bool(true), .null]))]))
        for bad in ["", "{", "[1,]", "{\"a\" 1}", "\"abc", "\"abc\\", "\"\\u12", "[\"\\ud83d\\u", "-", "tru", "nul", String(repeating: "[", count: 100) + String(repeating: "]", count: 100)] {
            #expect(JSON.parse(bad) == nil)
        }
    }
}
