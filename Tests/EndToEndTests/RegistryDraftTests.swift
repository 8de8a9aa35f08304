import Foundation
@testable import Reporting
import Testing
import TestSupport
import WireBytes

/// `registry draft`: the draft's entries are warned about until completed, and the
/// completed draft registers every server the traffic reached abroad.
@Suite struct RegistryDraftTests {
    typealias CLI = CommandLineTests

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary), "borderflow is not built (swift build)"))
    func completedDraftRegistersEveryServer() throws {
        let dir = NSTemporaryDirectory() + "bf-draft-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try CLI.run(["synth", "-o", "\(dir)/plant.pcap", "--size", "2M", "--ground-truth", "\(dir)/truth"]).status == 0)
        let judge = ["--home", "CN", "--geo", "\(dir)/truth/geo.csv", "--asn", "off"]
        let before = try CLI.run(["scan"] + judge + ["\(dir)/plant.pcap", "--format", "json", "-o", "\(dir)/before.json"])
        #expect(before.status == 1)
        let unregistered = try Self.count("\(dir)/before.json", rule: "unregistered-overseas-server")
        #expect(unregistered >= 5)

        let draft = try CLI.run(["registry", "draft"] + judge + ["\(dir)/plant.pcap", "-o", "\(dir)/draft.yaml"])
        #expect(draft.status == 0, "\(draft.stderr)")
        let text = try String(contentsOfFile: "\(dir)/draft.yaml", encoding: .utf8)
        let entries = text.components(separatedBy: "\n  - id: DRAFT-").count - 1
        #expect(entries > 0 && entries <= unregistered)
        #expect(text.components(separatedBy: "\n    draft: true\n").count - 1 == entries)

        // Unfinished: a warning on each entry, none in force.
        let check = try CLI.run(["registry", "check", "\(dir)/draft.yaml"])
        #expect(check.status == 0)
        #expect((check.stdout + check.stderr).components(separatedBy: "is a draft").count - 1 == entries)
        #expect(check.stdout.contains("\(entries) warnings"))
        let unfinished = try CLI.run(["scan"] + judge + ["--registry", "\(dir)/draft.yaml", "\(dir)/plant.pcap", "--format", "json", "-o", "\(dir)/unfinished.json"])
        #expect(unfinished.status == 1)
        #expect(try Self.count("\(dir)/unfinished.json", rule: "unregistered-overseas-server") == unregistered)

        // Completed by a person: validity set, the draft line gone.
        let completed = text.replacingOccurrences(of: "    # valid_from: YYYY-MM-DD\n", with: "    valid_from: 2026-01-01\n")
            .replacingOccurrences(of: "    draft: true\n", with: "")
        try completed.write(toFile: "\(dir)/completed.yaml", atomically: true, encoding: .utf8)
        let clean = try CLI.run(["registry", "check", "\(dir)/completed.yaml"])
        #expect(clean.status == 0 && clean.stdout.contains(" 0 errors, 0 warnings"), "\(clean.stdout)\(clean.stderr)")
        _ = try CLI.run(["scan"] + judge + ["--registry", "\(dir)/completed.yaml", "\(dir)/plant.pcap", "--format", "json", "-o", "\(dir)/after.json"])
        #expect(try Self.count("\(dir)/after.json", rule: "unregistered-overseas-server") == 0)
        #expect(try Self.count("\(dir)/after.json", rule: "purpose-mismatch") == 0, "the observed purposes are registered")

        // The same draft from the JSON report.
        let fromReport = try CLI.run(["registry", "draft", "\(dir)/before.json"])
        #expect(fromReport.status == 0)
        #expect(fromReport.stdout.split(separator: "\n").dropFirst() == text.split(separator: "\n").dropFirst())
    }

    static func count(_ path: String, rule: String) throws -> Int {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
        return (doc["findings"] as! [[String: Any]]).filter { $0["rule"] as? String == rule }.count
    }

    @Test func groupingAndQuoting() {
        #expect(RegistryDraft.domain("a.b.example.com") == "example.com")
        #expect(RegistryDraft.domain("x.example.co.uk") == "example.co.uk")
        #expect(RegistryDraft.domain("example.com") == "example.com")
        #expect(RegistryDraft.quote("a\"b\\c\u{1B}[31m\n") == "\"a\\\"b\\\\c\\u001B[31m\\u000A\"")
        let s = { (ip: String, names: [String], asn: UInt32?) in
            RegistryDraft.Server(address: IPAddress(ip)!, country: "DE", hostnames: names, categories: ["telemetry"],
                                 first: 0, last: 1, flows: 1, asn: asn, asName: asn.map { "AS-\($0)" })
        }
        let yaml = RegistryDraft.yaml([s("1.2.3.4", ["mqtt.example.com"], 1), s("1.2.3.5", ["ota.example.com"], 2),
                                       s("5.6.7.8", [], 3), s("5.6.7.9", [], 3), s("9.9.9.9", ["bad name!"], nil)], source: "test")
        #expect(yaml.components(separatedBy: "  - id: DRAFT-").count - 1 == 3, "example.com, AS3 and one address alone")
        #expect(yaml.contains("addresses: [\"1.2.3.4\", \"1.2.3.5\"]") && yaml.contains("addresses: [\"5.6.7.8\", \"5.6.7.9\"]"))
        #expect(!yaml.contains("bad name!"), "a name the registry would refuse is left out")
    }
}
