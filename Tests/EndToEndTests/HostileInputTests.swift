import Foundation
import Reporting
import Testing
import TestSupport

/// A capture made here whose names are chosen by an attacker: NUL bytes, terminal
/// escapes, newlines and spreadsheet formulas in DNS answers and HTTP Host headers.
enum HostileCapture {
    static let device: [UInt8] = [10, 0, 0, 5]
    static let resolver: [UInt8] = [8, 8, 8, 8]
    /// Servers in DE (see `geo`), each reached over SSH under a hostile DNS name.
    static let sshServers: [(address: [UInt8], name: String)] = [
        ([52, 28, 10, 20], "evil\u{0}cut.example"),
        ([52, 28, 10, 21], "=HYPERLINK(\"http://x\",\"y\").example"),
        ([52, 28, 10, 22], "plain.example"),
    ]
    /// A web server named by an HTTP Host that tries to rewrite the terminal.
    static let webServer: [UInt8] = [52, 28, 10, 30]
    static let webHost = "\u{1B}]0;pwned\u{07}\u{1B}[31mred\nhigh  FAKE-LINE"
    static let geo = "52.0.0.0,52.255.255.255,DE\n8.0.0.0,8.255.255.255,US\n"

    static func pcap() -> [UInt8] {
        var out: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + [UInt8](repeating: 0, count: 8) + le32(65535) + le32(1)
        var t: UInt32 = 1_767_225_600   // 2026-01-01
        func add(_ frame: [UInt8]) {
            t += 1
            out += le32(t) + le32(0) + le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame
        }
        for (i, s) in sshServers.enumerated() {
            add(udp(from: resolver, 53, to: device, 5300 + UInt16(i), dnsAnswer(id: UInt16(i + 1), name: s.name, address: s.address)))
            let port = 40000 + UInt16(i)
            add(tcp(from: device, port, to: s.address, 22, flags: 0x02, []))
            add(tcp(from: s.address, 22, to: device, port, flags: 0x12, []))
            add(tcp(from: device, port, to: s.address, 22, flags: 0x18, Array("SSH-2.0-client\r\n".utf8)))
            add(tcp(from: s.address, 22, to: device, port, flags: 0x18, Array("SSH-2.0-server\r\n".utf8)))
        }
        add(tcp(from: device, 41000, to: webServer, 80, flags: 0x02, []))
        add(tcp(from: webServer, 80, to: device, 41000, flags: 0x12, []))
        add(tcp(from: device, 41000, to: webServer, 80, flags: 0x18, Array("GET / HTTP/1.1\r\nHost: \(webHost)\r\n\r\n".utf8)))
        return out
    }

    static func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }

    static func ipv4(_ proto: UInt8, from src: [UInt8], to dst: [UInt8], _ body: [UInt8]) -> [UInt8] {
        let ethernet: [UInt8] = [2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00]
        return ethernet + [0x45, 0] + be16(UInt16(20 + body.count)) + [0, 0, 0x40, 0, 64, proto, 0, 0] + src + dst + body
    }

    static func tcp(from src: [UInt8], _ sp: UInt16, to dst: [UInt8], _ dp: UInt16, flags: UInt8, _ payload: [UInt8]) -> [UInt8] {
        ipv4(6, from: src, to: dst, be16(sp) + be16(dp) + [0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0] + payload)
    }

    static func udp(from src: [UInt8], _ sp: UInt16, to dst: [UInt8], _ dp: UInt16, _ payload: [UInt8]) -> [UInt8] {
        ipv4(17, from: src, to: dst, be16(sp) + be16(dp) + be16(UInt16(8 + payload.count)) + [0, 0] + payload)
    }

    /// A DNS response: NAME A ADDRESS. Labels may hold any byte, NUL included.
    static func dnsAnswer(id: UInt16, name: String, address: [UInt8]) -> [UInt8] {
        var qname: [UInt8] = []
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            qname.append(UInt8(label.utf8.count))
            qname += Array(label.utf8)
        }
        qname.append(0)
        return be16(id) + [0x81, 0x80] + be16(1) + be16(1) + be16(0) + be16(0)
            + qname + be16(1) + be16(1)
            + [0xC0, 0x0C] + be16(1) + be16(1) + [0, 0, 0x0E, 0x10] + be16(4) + address
    }
}

/// The built binary fed hostile captures, partials, configs and file-system tricks: no
/// output is cut or injected, nothing is written through a planted link, nothing
/// passes silently.
@Suite(.serialized) struct HostileInputTests {
    /// `BORDERFLOW_BINARY` runs these checks against another build (an installed one).
    static let binary = ProcessInfo.processInfo.environment["BORDERFLOW_BINARY"] ?? CommandLineTests.binary
    static let built = FileManager.default.isExecutableFile(atPath: binary)

    struct Run {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs borderflow; a run that has not ended after `limit` seconds is killed and
    /// fails the test (a hang is a failure, never a stuck suite).
    static func run(_ args: [String], in dir: String, limit: Double = 60) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        // Output to files, not pipes: a process that hangs leaves nothing to read forever.
        let outPath = dir + "/.stdout", errPath = dir + "/.stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        p.standardInput = FileHandle.nullDevice
        let ended = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in ended.signal() }
        try p.run()
        if ended.wait(timeout: .now() + limit) == .timedOut {
            kill(p.processIdentifier, SIGKILL)
            Issue.record("borderflow \(args.joined(separator: " ")) did not end within \(limit) s")
            _ = ended.wait(timeout: .now() + 5)
        }
        p.waitUntilExit()
        return Run(status: p.terminationStatus, stdout: try read(outPath), stderr: String(decoding: try read(errPath), as: UTF8.self))
    }

    /// A fresh directory holding the hostile capture and its geo file.
    static func workspace() throws -> String {
        let dir = NSTemporaryDirectory() + "borderflow-hostile-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: dir + "/in", withIntermediateDirectories: true)
        try Data(HostileCapture.pcap()).write(to: URL(fileURLWithPath: dir + "/in/hostile.pcap"))
        try HostileCapture.geo.write(toFile: dir + "/geo.csv", atomically: true, encoding: .utf8)
        return dir
    }

    static let policy = ["--home", "CN", "--geo", "geo.csv"]

    static func read(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init).filter { !$0.isEmpty }
    }

    /// CSV records (RFC 4180: a newline inside quotes is part of a field).
    static func records(_ bytes: [UInt8]) -> Int {
        var quoted = false, count = 0
        for b in bytes {
            if b == 0x22 { quoted.toggle() } else if b == 0x0A, !quoted { count += 1 }
        }
        return count
    }

    static func findingCount(_ dir: String) throws -> Int {
        let json = try run(["scan"] + policy + ["--format", "json", "in"], in: dir)
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any]
        return (doc?["findings"] as? [Any])?.count ?? -1
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func aNULInANameCutsNoOutput() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let findings = try Self.findingCount(dir)
        #expect(findings >= 7)   // at least the 4 servers abroad and the 3 remote-maintenance sessions
        let csv = try Self.run(["scan"] + Self.policy + ["--format", "csv", "-o", "report.csv", "--maintenance-log", "log.csv", "in"], in: dir)
        #expect(csv.status == 1)
        let report = try Self.read(dir + "/report.csv")
        #expect(Self.records(report) == 1 + findings)
        #expect(report.contains(0))   // the name is written whole, NUL and all
        let log = try Self.read(dir + "/log.csv")
        #expect(Self.records(log) == 1 + 3)
        #expect(String(decoding: log, as: UTF8.self).contains("plain.example"))

        let text = try Self.run(["scan"] + Self.policy + ["in"], in: dir)
        #expect(text.text.contains("plain.example"))
        #expect(text.text.contains("evil[U+0000]cut.example"))

        let partial = try Self.run(["scan"] + Self.policy + ["--emit", "partial", "-o", "part.json", "in"], in: dir)
        #expect(partial.status == 0)
        let merged = try Self.run(["merge", "--format", "csv", "part.json"], in: dir)
        #expect(Self.records(merged.stdout) == 1 + findings)
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func csvCellsNeverStartAFormula() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.run(["scan"] + Self.policy + ["--format", "csv", "-o", "report.csv", "--maintenance-log", "log.csv", "in"], in: dir)
        let flows = try Self.run(["flows", "--format", "csv"] + Self.policy + ["in"], in: dir)
        let outputs = [("report", try Self.read(dir + "/report.csv")), ("log", try Self.read(dir + "/log.csv")), ("flows", flows.stdout)]
        for (name, bytes) in outputs {
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(text.contains("\"'=hyperlink(\"\"http://x\"\",\"\"y\"\").example"), "\(name)")
            // No cell begins with a formula character (cells start the line or follow a comma).
            for cell in text.split(separator: ",").map({ $0.drop { $0 == "\n" } }) {
                if let c = cell.first { #expect(!"=+@".contains(c), "\(name): \(cell.prefix(30))") }
            }
        }
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func textOutputObeysNoEscape() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let text = try Self.run(["scan"] + Self.policy + ["in"], in: dir)
        #expect(!text.stdout.contains(0x1B))
        #expect(!text.stdout.contains(0x07))
        #expect(!text.stdout.contains(0x00))
        #expect(text.text.contains("[U+001B]]0;pwned[U+0007][U+001B][31mred[U+000A]high  fake-line"))
        #expect(!Self.lines(text.stdout).contains { String(decoding: $0, as: UTF8.self).hasPrefix("high  fake-line") })
        let info = try Self.run(["info", "in/hostile.pcap"], in: dir)
        #expect(info.status == 0)
        #expect(!info.stdout.contains(0x1B))
    }

    /// A partial of the hostile capture with one field replaced.
    static func tampered(_ dir: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/part.json"))) as! [String: Any]
        edit(&doc)
        let path = dir + "/tampered-\(UInt32.random(in: 0 ... .max)).json"
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func craftedPartialsAreRefusedWithFileAndField() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Self.run(["scan"] + Self.policy + ["--emit", "partial", "-o", "part.json", "in"], in: dir).status == 0)
        let cases: [(field: String, edit: (inout [String: Any]) -> Void)] = [
            ("packets", { $0["packets"] = Int64.max }),
            ("flowCount", { $0["flowCount"] = Int64.max }),
            ("crossBorderFlows", { $0["crossBorderFlows"] = -1 }),
            ("findings[0].flows", { d in
                var f = d["findings"] as! [[String: Any]]
                f[0]["flows"] = Int64.max
                d["findings"] = f
            }),
            ("findings[0].first", { d in
                var f = d["findings"] as! [[String: Any]]
                f[0]["first"] = -5
                d["findings"] = f
            }),
        ]
        for c in cases {
            let bad = try Self.tampered(dir, c.edit)
            // Two copies: a sum of two huge counts is where a merge trapped.
            let r = try Self.run(["merge", "--format", "json", bad, "part.json"], in: dir)
            #expect(r.status == 2, "\(c.field): exit \(r.status)")
            #expect(r.stderr.contains(bad) && r.stderr.contains("`\(c.field)`"), "\(c.field): \(r.stderr)")
        }
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func aCraftedStateFileStopsTheResume() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.run(["scan"] + Self.policy + ["--state-dir", "state", "--format", "json", "in"], in: dir)
        let saved = try FileManager.default.contentsOfDirectory(atPath: dir + "/state").filter { $0.hasSuffix(".partial.json") }
        try #require(saved.count == 1)
        let file = dir + "/state/" + saved[0]
        var doc = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as! [String: Any]
        doc["packets"] = Int64.max
        try JSONSerialization.data(withJSONObject: doc).write(to: URL(fileURLWithPath: file))
        let r = try Self.run(["scan"] + Self.policy + ["--state-dir", "state", "--resume", "--format", "json", "in"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains(saved[0]) && r.stderr.contains("`packets`"))
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func plantedLinksAreNeverWrittenThrough() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let victim = dir + "/victim"
        try "keep me\n".write(toFile: victim, atomically: true, encoding: .utf8)
        // -o and --maintenance-log onto links: the links are replaced by the files.
        try FileManager.default.createSymbolicLink(atPath: dir + "/report.json", withDestinationPath: victim)
        try FileManager.default.createSymbolicLink(atPath: dir + "/log.csv", withDestinationPath: victim)
        let r = try Self.run(["scan"] + Self.policy + ["--format", "json", "-o", "report.json", "--maintenance-log", "log.csv", "in"], in: dir)
        #expect(r.status == 1)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me\n")
        for name in ["report.json", "log.csv"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/" + name)
            #expect(attributes[.type] as? FileAttributeType == .typeRegular, "\(name)")
        }
        // --state-dir: temporary names of the next process ids, planted as links.
        try FileManager.default.createDirectory(atPath: dir + "/state", withIntermediateDirectories: true)
        _ = try Self.run(["scan"] + Self.policy + ["--state-dir", "state", "--format", "json", "in"], in: dir)
        let saved = try FileManager.default.contentsOfDirectory(atPath: dir + "/state")
        try #require(saved.count == 1)
        try FileManager.default.removeItem(atPath: dir + "/state/" + saved[0])
        let last = Int((try? String(contentsOfFile: "/proc/sys/kernel/ns_last_pid", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? Int(getpid())
        for pid in last + 1 ... last + 64 {
            try FileManager.default.createSymbolicLink(atPath: dir + "/state/\(saved[0]).tmp-\(pid)", withDestinationPath: victim)
        }
        _ = try Self.run(["scan"] + Self.policy + ["--state-dir", "state", "--format", "json", "in"], in: dir)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "keep me\n")
        #expect(FileManager.default.fileExists(atPath: dir + "/state/" + saved[0]))
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func findingNothingIsAnError() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/empty/sub", withIntermediateDirectories: true)
        let empty = try Self.run(["scan"] + Self.policy + ["empty"], in: dir)
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("no input found in empty"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/empty/sub/gone.pcap", withDestinationPath: dir + "/nowhere")
        let dangling = try Self.run(["scan"] + Self.policy + ["empty"], in: dir)
        #expect(dangling.status == 2)
        #expect(dangling.stderr.contains("gone.pcap: skipped: a symbolic link to nothing"))
        for command in [["flows"], ["info"]] {
            #expect(try Self.run(command + ["empty"], in: dir).status == 2, "\(command)")
        }
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func aFIFOIsSkippedNotWaitedFor() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(mkfifo(dir + "/in/stream.pcap", 0o600) == 0)
        let r = try Self.run(["scan"] + Self.policy + ["--format", "json", "in"], in: dir, limit: 30)
        #expect(r.status == 1)   // the capture's findings; the FIFO is not an input
        #expect(r.stderr.contains("stream.pcap: skipped: a FIFO, not a regular file"))
        #expect(r.text.contains("\"path\" : \"in/hostile.pcap\"") || r.text.contains("in/hostile.pcap"))
        let named = try Self.run(["scan"] + Self.policy + ["in/stream.pcap"], in: dir, limit: 30)
        #expect(named.status == 2)
        #expect(named.stderr.contains("a FIFO, not a regular file"))
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func aConfigYAMLErrorNamesTheFileAndLine() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "home: [CN]\ngeo: [geo.csv\nsecret: SECRET-VALUE-9431\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let r = try Self.run(["scan", "--config", "bad.yaml", "in"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.yaml:"))
        #expect(r.stderr.contains("error:"))
        #expect(!r.stderr.contains("SECRET-VALUE"))
    }

    @Test(.enabled(if: built, "borderflow is not built (swift build)"))
    func sarifURIsArePercentEncoded() throws {
        let dir = try Self.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let odd = "in/100% #1?a b:c.pcap"
        try FileManager.default.moveItem(atPath: dir + "/in/hostile.pcap", toPath: dir + "/" + odd)
        let r = try Self.run(["scan"] + Self.policy + ["--format", "sarif", odd], in: dir)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout)) as! [String: Any]
        let run = (doc["runs"] as! [[String: Any]])[0]
        let uri = ((run["artifacts"] as! [[String: Any]])[0]["location"] as! [String: Any])["uri"] as! String
        #expect(uri == "in/100%25%20%231%3Fa%20b%3Ac.pcap")
        #expect(uri.removingPercentEncoding == odd)
    }
}

/// `ReportFile` on its own: where bytes go, and that they all get there.
@Suite struct ReportFileTests {
    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "borderflow-reportfile-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func placements() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try ReportFile.placement(of: nil) == .standardOutput)
        #expect(try ReportFile.placement(of: "-") == .standardOutput)
        #expect(try ReportFile.placement(of: "/dev/null") == .stream("/dev/null"))
        #expect(try ReportFile.placement(of: dir + "/new.json") == .replace(dir + "/new.json"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: "/dev/null")
        #expect(try ReportFile.placement(of: dir + "/link") == .stream(dir + "/link"))
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: dir + "/nothing")
        #expect(try ReportFile.placement(of: dir + "/dangling") == .replace(dir + "/dangling"))
        #expect(throws: ReportFile.Failure.self) { try ReportFile.placement(of: dir) }
    }

    @Test func everyByteArrivesAndNoTemporaryStays() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/out.csv"
        let f = try ReportFile(path: path)
        f.write("a\u{0}b\n")
        f.write([0, 1, 2])
        try f.finish()
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))) == [0x61, 0, 0x62, 0x0A, 0, 1, 2])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.csv"])
        // Discarded: the earlier file is left as it was.
        let g = try ReportFile(path: path)
        g.write("replaced")
        g.discard()
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: path))).count == 7)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.csv"])
    }
}
