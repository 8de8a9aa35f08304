import Foundation
import Testing
import TestSupport

/// Findings over time, as CI runs them: --baseline, --fail-on-new, diff, JUnit.
@Suite struct BaselineTests {
    typealias CLI = CommandLineTests
    static let capture = CLI.example + "plant-example.pcapng"
    static let config = ["--config", CLI.example + "borderflow.yaml", "--asn", "off"]

    static func temp(_ name: String) -> String { NSTemporaryDirectory() + "bf-baseline-\(getpid())-\(UUID().uuidString)-\(name)" }

    /// The example's JSON report, and the same with one finding's server left out: to
    /// that baseline, the server is new.
    static func baselines() throws -> (full: String, missingOne: String, dropped: String) {
        let full = temp("full.json")
        #expect(try CLI.run(["scan"] + config + [capture, "--format", "json", "-o", full]).status == 1)
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: full))) as! [String: Any]
        var findings = doc["findings"] as! [[String: Any]]
        let dropped = ((findings[0]["server"] as! [String: Any])["ip"] as! String)
        findings.removeAll { ($0["server"] as! [String: Any])["ip"] as! String == dropped }
        doc["findings"] = findings
        let missing = temp("missing.json")
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: missing))
        return (full, missing, dropped)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary), "borderflow is not built (swift build)"))
    func oneNewServerIsOneNewFinding() throws {
        let (full, missing, dropped) = try Self.baselines()
        defer { for p in [full, missing] { try? FileManager.default.removeItem(atPath: p) } }
        let run = try CLI.run(["scan"] + Self.config + [Self.capture, "--format", "json", "--baseline", missing, "--fail-on-new"])
        #expect(run.status == 1, "\(run.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as! [String: Any]
        let new = (doc["findings"] as! [[String: Any]]).filter { $0["baselineState"] as? String == "new" }
        #expect(new.count == 1 && (new.first?["server"] as? [String: Any])?["ip"] as? String == dropped)
        let summary = doc["baseline"] as! [String: Any]
        #expect(summary["new"] as? Int == 1 && summary["absent"] as? Int == 0)

        // Nothing new: exit 0 with --fail-on-new, though high findings remain.
        let same = try CLI.run(["scan"] + Self.config + [Self.capture, "--format", "json", "--baseline", full, "--fail-on-new"])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(same.stdout.contains("\"new\": 0"))
        // Without --fail-on-new the findings still fail the run.
        #expect(try CLI.run(["scan"] + Self.config + [Self.capture, "--baseline", full]).status == 1)

        // A SARIF baseline works the same; a finding gone from this run is absent.
        let sarif = Self.temp("base.sarif")
        defer { try? FileManager.default.removeItem(atPath: sarif) }
        #expect(try CLI.run(["scan"] + Self.config + [Self.capture, "--format", "sarif", "-o", sarif]).status == 1)
        let fromSarif = try CLI.run(["scan"] + Self.config + [Self.capture, "--format", "sarif", "--baseline", sarif, "--fail-on-new"])
        #expect(fromSarif.status == 0 && !fromSarif.stdout.contains("\"baselineState\": \"new\""))
        #expect(fromSarif.stdout.contains("\"baselineState\": \"unchanged\""))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary), "borderflow is not built (swift build)"))
    func foreignBaselinesAreRefused() throws {
        let other = Self.temp("other.json")
        defer { try? FileManager.default.removeItem(atPath: other) }
        try Data(#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"semgrep"}},"results":[]}]}"#.utf8).write(to: URL(fileURLWithPath: other))
        let r = try CLI.run(["scan"] + Self.config + [Self.capture, "--baseline", other])
        #expect(r.status == 2 && r.stderr.contains("another tool"), "\(r.stderr)")
        let missing = try CLI.run(["scan"] + Self.config + [Self.capture, "--baseline", other + ".none"])
        #expect(missing.status == 2 && missing.stderr.contains("cannot read"))
        #expect(try CLI.run(["scan"] + Self.config + [Self.capture, "--fail-on-new"]).status == 2)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary), "borderflow is not built (swift build)"))
    func diffNamesWhatChanged() throws {
        let (full, missing, dropped) = try Self.baselines()
        defer { for p in [full, missing] { try? FileManager.default.removeItem(atPath: p) } }
        let d = try CLI.run(["diff", missing, full])
        #expect(d.status == 1)
        #expect(d.stdout.contains("findings: +1 -0") && d.stdout.contains(dropped))
        #expect(d.stdout.contains("servers: +1 -0"))
        let same = try CLI.run(["diff", full, full])
        #expect(same.status == 0 && same.stdout.contains("findings: +0 -0"))
        let json = try CLI.run(["diff", "--format", "json", full, missing])
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(((doc["findings"] as! [String: Any])["removed"] as! [Any]).count >= 1)
        #expect(try CLI.run(["diff", full, CLI.example + "borderflow.yaml"]).status == 2)
    }

    static let python = "/usr/bin/python3"

    /// The JUnit output parses in a JUnit reader (Python's junitparser) with one case per
    /// finding, the failures those at or above --fail-on.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary), "borderflow is not built (swift build)"))
    func junitParsesInAJUnitReader() throws {
        let xml = Self.temp("report.xml")
        defer { try? FileManager.default.removeItem(atPath: xml) }
        #expect(try CLI.run(["scan"] + Self.config + [Self.capture, "--format", "junit", "-o", xml, "--fail-on", "medium"]).status == 1)
        let json = try CLI.run(["scan"] + Self.config + [Self.capture, "--format", "json"])
        let findings = (try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any])["findings"] as! [[String: Any]]
        let failing = findings.filter { ["high", "medium"].contains($0["severity"] as! String) }.count
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.python)
        p.arguments = ["-c", """
        import sys
        try:
            from junitparser import JUnitXml, Failure
        except ImportError:
            print("junitparser is missing: scripts/install-deps.sh installs it (Debian python3-junitparser)"); sys.exit(3)
        xml = JUnitXml.fromfile(sys.argv[1])
        cases = [c for s in xml for c in s]
        failed = [c for c in cases if any(isinstance(r, Failure) for r in c.result)]
        print(len(cases), len(failed))
        """, xml]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        p.waitUntilExit()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(p.terminationStatus == 0, "\(out)")
        #expect(out == "\(findings.count) \(failing)", "\(out)")
        #expect(failing > 0 && failing < findings.count, "the example has findings on both sides of the threshold")
    }
}
