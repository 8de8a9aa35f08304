import Foundation
@testable import Reporting
import Testing
import TestSupport

/// The maintenance log as a retained record: appended runs without duplicates, and a
/// chain that names the line of an edited, dropped or reordered row.
@Suite struct MaintenanceLogTests {
    typealias CLI = CommandLineTests

    static func lines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CLI.binary), "borderflow is not built (swift build)"))
    func appendedRunsKeepEachSessionOnce() throws {
        let dir = NSTemporaryDirectory() + "bf-mlog-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for seed in ["3", "4"] {
            #expect(try CLI.run(["synth", "-o", "\(dir)/s\(seed).pcap", "--size", "300K", "--seed", seed, "--ground-truth", "\(dir)/t\(seed)"]).status == 0)
        }
        let common = ["scan", "--config", "\(dir)/t3/borderflow.yaml", "--asn", "off", "-q"]
        // Each capture alone, for the count.
        #expect(try CLI.run(common + ["\(dir)/s3.pcap", "--maintenance-log", "\(dir)/only3.csv"]).status <= 1)
        #expect(try CLI.run(common + ["\(dir)/s4.pcap", "--maintenance-log", "\(dir)/only4.csv"]).status <= 1)
        let rows3 = try Self.lines("\(dir)/only3.csv").count - 1, rows4 = try Self.lines("\(dir)/only4.csv").count - 1
        #expect(rows3 > 0 && rows4 > 0)

        // Day one, then day two over an overlapping archive (s3 again, and s4).
        let log = "\(dir)/retained.csv"
        #expect(try CLI.run(common + ["\(dir)/s3.pcap", "--maintenance-log", log, "--append"]).status <= 1)
        let dayOne = try Self.lines(log)
        #expect(try CLI.run(common + ["\(dir)/s3.pcap", "\(dir)/s4.pcap", "--maintenance-log", log, "--append"]).status <= 1)
        let dayTwo = try Self.lines(log)
        #expect(dayTwo.count == 1 + rows3 + rows4)
        #expect(Array(dayTwo.prefix(dayOne.count)) == dayOne, "earlier rows are never rewritten")
        #expect(dayTwo.filter { $0.hasPrefix("start,") }.count == 1, "one header")
        let keys = dayTwo.dropFirst().map { l -> String in let f = l.split(separator: ","); return [f[0], f[2], f[3], f[4], f[6]].joined(separator: "|") }
        #expect(Set(keys).count == keys.count, "each session once")
        // A third run over the same inputs adds nothing.
        #expect(try CLI.run(common + ["\(dir)/s4.pcap", "--maintenance-log", log, "--append"]).status <= 1)
        #expect(try Self.lines(log) == dayTwo)
        let ok = try CLI.run(["maintenance-log", "verify", log])
        #expect(ok.status == 0 && ok.stdout.contains("\(rows3 + rows4) sessions, chain intact"), "\(ok.stdout)\(ok.stderr)")

        // Edited, dropped, reordered: verify names the line; append refuses and leaves the file as it was.
        var edited = dayTwo
        edited[2] = edited[2].replacingOccurrences(of: ",outbound,", with: ",inbound,")
        var dropped = dayTwo
        dropped.remove(at: 2)
        var reordered = dayTwo
        reordered.swapAt(1, 2)
        for (name, text, line) in [("edited", edited, 3), ("dropped", dropped, 3), ("reordered", reordered, 2)] {
            let path = "\(dir)/\(name).csv"
            let bytes = text.joined(separator: "\n") + "\n"
            try bytes.write(toFile: path, atomically: true, encoding: .utf8)
            let r = try CLI.run(["maintenance-log", "verify", path])
            #expect(r.status == 1 && r.stderr.hasPrefix("\(path):\(line): "), "\(name): \(r.stderr)")
            let appended = try CLI.run(common + ["\(dir)/s4.pcap", "--maintenance-log", path, "--append"])
            #expect(appended.status == 2 && appended.stderr.contains("line \(line)"), "\(name): \(appended.stderr)")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == bytes)
        }
        #expect(try CLI.run(["maintenance-log", "verify", "\(dir)/none.csv"]).status == 2)
        #expect(try CLI.run(common + ["\(dir)/s4.pcap", "--append"]).status == 2, "--append needs --maintenance-log")
    }

    /// Names with commas, quotes and newlines stay inside their field, and the chain holds.
    @Test func quotedFieldsKeepTheChain() {
        let rows = [("k1", "2026-01-01T00:00:00.000000Z,2026-01-01T00:00:01.000000Z,10.0.0.1,1.2.3.4,22,DE,ssh,1,2,,\"a,\"\"b\"\"\nc\",outbound,,,"),
                    ("k2", "2026-01-01T00:00:02.000000Z,2026-01-01T00:00:03.000000Z,10.0.0.1,1.2.3.4,22,DE,ssh,1,2,,,outbound,00:1b:21:00:00:01,Intel Corporate,plc-07")]
        let text = MaintenanceLog.header + "\n" + MaintenanceLog.chain(rows.map { (key: $0.0, text: $0.1) }, after: MaintenanceLog.genesis).text
        guard case .success(let v) = MaintenanceLog.verify(text) else { Issue.record("a valid log did not verify"); return }
        #expect(v.rows == 2 && v.keys.count == 2)
        // The second record starts on line 4: the first spans lines 2 and 3.
        let broken = text.replacingOccurrences(of: "03.000000Z", with: "04.000000Z")
        #expect(MaintenanceLog.verify(broken) == .failure(MaintenanceLog.Broken(line: 4, message: "the row's sha256 does not follow the previous row: this row or one before it was edited, dropped or reordered")))
        #expect(MaintenanceLog.fields("a,\"b,\"\"c\"\"\",d") == ["a", "b,\"c\"", "d"])
    }
}
