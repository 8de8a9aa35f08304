import Foundation
import Reporting
import Testing
import TestSupport
import Verdicts

/// The built `borderflow` binary, as scripts and schedulers run it: exit codes,
/// resumable state, shards merged from files, geo lookups.
@Suite(.serialized) struct CommandLineTests {
    static let binary = Fixtures.packageRoot + "/.build/debug/borderflow"
    static let example = Fixtures.packageRoot + "/Captures/"

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ args: [String], stdin: String? = nil) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }

    /// A directory of four captures (the example, and three renamed copies at other paths).
    static func archive() throws -> String {
        let dir = NSTemporaryDirectory() + "borderflow-cli-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: dir + "/captures/b", withIntermediateDirectories: true)
        for name in ["a.pcapng", "b/c.pcapng", "d.pcapng", "e.pcapng"] {
            try FileManager.default.copyItem(atPath: example + "plant-example.pcapng", toPath: dir + "/captures/" + name)
        }
        return dir
    }

    static var config: [String] { ["--config", example + "borderflow.yaml"] }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "borderflow is not built (swift build)"))
    func resumeAfterALostResultGivesTheSameReport() throws {
        let dir = try Self.archive()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = try Self.run(["scan"] + Self.config + ["--format", "json", "--jobs", "1", dir + "/captures"])
        #expect(plain.status == 1)   // the example has high findings
        let state = dir + "/state"
        let first = try Self.run(["scan"] + Self.config + ["--format", "json", "--state-dir", state, dir + "/captures"])
        #expect(first.stdout == plain.stdout)
        var saved = try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.hasSuffix(".partial.json") }
        #expect(saved.count == 4)
        // As if the run had been interrupted before one input finished.
        try FileManager.default.removeItem(atPath: state + "/" + saved.removeFirst())
        let resumed = try Self.run(["scan"] + Self.config + ["--format", "json", "--state-dir", state, "--resume", dir + "/captures"])
        #expect(resumed.stdout == plain.stdout)
        #expect(resumed.stderr.contains("3 of 4 inputs already done"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.contains(".tmp") }.isEmpty)
        // Under another home the saved verdicts do not hold: everything is scanned again.
        let otherHome = try Self.run(["scan"] + Self.config + ["--home", "DE", "--format", "json", "--state-dir", state, "--resume",
                                                               dir + "/captures"])
        #expect(!otherHome.stderr.contains("already done"))
        #expect(otherHome.stdout.contains("\"home\": [\n    \"DE\"\n  ]"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "borderflow is not built (swift build)"))
    func partialsAreReproducible() throws {
        let dir = try Self.archive()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try Self.run(["scan"] + Self.config + ["--emit", "partial", dir + "/captures"])
        let b = try Self.run(["scan"] + Self.config + ["--emit", "partial", "--jobs", "1", dir + "/captures"])
        #expect(a.status == 0 && !a.stdout.isEmpty)
        #expect(a.stdout == b.stdout)   // sets are written sorted; nothing depends on hashing
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "borderflow is not built (swift build)"))
    func shardsMergedFromFilesGiveTheSameReport() throws {
        let dir = try Self.archive()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let plain = try Self.run(["scan"] + Self.config + ["--format", "sarif", dir + "/captures"])
        var parts: [String] = []
        for k in 1 ... 3 {
            let part = dir + "/part\(k).json"
            let r = try Self.run(["scan"] + Self.config + ["--shard", "\(k)/3", "--emit", "partial", "-o", part, dir + "/captures"])
            #expect(r.status == 0)   // findings decide the status at merge, not per shard
            parts.append(part)
        }
        let merged = try Self.run(["merge", "--format", "sarif"] + parts.reversed())
        #expect(merged.status == 1)
        #expect(merged.stdout == plain.stdout)
        // The same (non-empty) shard twice overlaps itself. Shards may be empty: which
        // shard a file lands in depends on its path, here under a random directory.
        let nonEmpty = try #require(parts.first { path in
            let data = FileManager.default.contents(atPath: path) ?? Data()
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            return ((object?["inputs"] as? [Any])?.count ?? 0) > 0
        })
        let overlap = try Self.run(["merge", nonEmpty, nonEmpty])
        #expect(overlap.status == 2)
        #expect(overlap.stderr.contains("overlap"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "borderflow is not built (swift build)"))
    func helpNamesEveryRuleAndFormat() throws {
        let help = try Self.run(["scan", "--help"]).stdout
        for rule in Rule.allCases { #expect(help.contains(rule.rawValue + " "), "scan --help lacks \(rule.rawValue)") }
        for format in ReportFormat.allCases { #expect(help.contains(format.rawValue), "scan --help lacks \(format.rawValue)") }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "borderflow is not built (swift build)"))
    func usageAndInputErrorsExitTwo() throws {
        let noHome = try Self.run(["scan", "--geo", Self.example + "plant-example-geo.csv", Self.example + "plant-example.pcapng"])
        #expect(noHome.status == 2)
        #expect(noHome.stderr.contains("no home jurisdiction"))
        #expect(try Self.run(["scan", "--home", "XX1"] + [Self.example + "plant-example.pcapng"]).status == 2)
        // Two letters are not enough: the code must be assigned or a group (AP is a geo region, XX nothing).
        for code in ["XX", "AP", "cn,zz"] {
            let r = try Self.run(["scan", "--home", code] + [Self.example + "plant-example.pcapng"])
            #expect(r.status == 2 && r.stderr.contains("is neither an assigned ISO 3166-1 alpha-2 country code"), "\(code): \(r.stderr)")
        }
        // A group is a home: the example's servers in DE and NL stay inside the EEA.
        let eea = try Self.run(["scan", "--home", "EEA", "--geo", Self.example + "plant-example-geo.csv", "--format", "json",
                                Self.example + "plant-example.pcapng"])
        #expect(eea.status == 1 && eea.stdout.contains("\"NO\"") && !eea.stdout.contains("\"country\" : \"DE\""))
        #expect(try Self.run(["scan", "--home", "cn,de"] + [Self.example + "plant-example.pcapng"]).status == 1)
        #expect(try Self.run(["scan", "--bogus-option"]).status == 2)
        let missing = try Self.run(["scan"] + Self.config + ["--fail-on", "none", "/nonexistent/capture.pcap", Self.example + "plant-example.pcapng"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/capture.pcap"))
        #expect(missing.stdout.contains("unregistered-overseas-server"))   // the other input is still reported
        #expect(try Self.run(["scan"] + Self.config + ["--fail-on", "none", Self.example + "plant-example.pcapng"]).status == 0)
        #expect(try Self.run(["scan"] + Self.config + ["--resume", Self.example + "plant-example.pcapng"]).status == 2)
        // A full disk for the report: one line naming the file, exit 2.
        let full = try Self.run(["scan"] + Self.config + ["--format", "json", "-o", "/dev/full", Self.example + "plant-example.pcapng"])
        #expect(full.status == 2)
        #expect(full.stderr.contains("cannot write /dev/full"))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "borderflow is not built (swift build)"))
    func flowsInParallelAndJudged() throws {
        let dir = try Self.archive()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for format in ["ndjson", "csv"] {
            let one = try Self.run(["flows", "--jobs", "1", "--format", format, dir + "/captures"])
            let two = try Self.run(["flows", "--jobs", "2", "--format", format, dir + "/captures"])
            #expect(one.status == 0 && two.status == 0)
            #expect(one.stdout == two.stdout)
            #expect(one.stdout.split(separator: "\n").count > 20)
        }
        // Without a home the geography fields stay empty; with one they are filled as scan fills them.
        let plain = try Self.run(["flows", Self.example + "plant-example.pcapng"])
        #expect(!plain.stdout.contains("\"crossBorder\":true"))
        let judged = try Self.run(["flows"] + Self.config + [Self.example + "plant-example.pcapng"])
        #expect(judged.stdout.contains("\"crossBorder\":true"))
        #expect(judged.stdout.contains("\"registry\":\"unregistered\""))
        #expect(judged.stdout.split(separator: "\n").count == plain.stdout.split(separator: "\n").count)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "borderflow is not built (swift build)"))
    func geoLookup() throws {
        let geo = ["--geo", Self.example + "plant-example-geo.csv"]
        let text = try Self.run(["geo", "lookup"] + geo + ["10.0.0.1"])
        #expect(text.status == 0)
        #expect(text.stdout == "10.0.0.1\t-\n")
        let csv = try String(contentsOfFile: Self.example + "plant-example-geo.csv", encoding: .utf8)
        // The first range of the example's geo source, looked up by its first address, on standard input too.
        let line = try #require(csv.split(separator: "\n").first { $0.first?.isNumber == true })
        let fields = line.split(separator: ",")
        let firstAddress = String(fields[0].split(separator: "/")[0])
        let cc = String(fields.last!)
        let piped = try Self.run(["geo", "lookup"] + geo + ["--format", "json"], stdin: firstAddress + "\n")
        #expect(piped.stdout.contains("\"ip\": \"\(firstAddress)\"") && piped.stdout.contains("\"country\": \"\(cc)\""))
        #expect(try Self.run(["geo", "lookup"] + geo + ["not-an-address"]).status == 2)
    }
}
