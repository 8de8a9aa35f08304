import Foundation
import Testing

/// The bundled example replayed onto a loopback while
/// `borderflow live -i lo` captures it gives the findings `scan` gives from the file,
/// and the archive it writes scans back to them too.
///
/// Safety: packets with public addresses never leave a network namespace the test
/// creates itself (`bf-live-PID-TAG`): borderflow and tcpreplay both run in it through
/// `ip netns exec`, on its own `lo`, and the namespace is deleted afterwards, also when
/// the test fails. Nothing is ever sent on the machine's own interfaces.
@Suite(.serialized) struct LiveReplayTests {
    let dir: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bf-replay-\(getpid())-\(UInt32.random(in: 0 ... .max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Self.writeConfig(in: dir)
    }

    /// The example's settings with absolute paths, and its registry with the validity
    /// windows that are still open moved far ahead: live flows carry today's time, not
    /// the capture's (2026-03-02). On 2026-11-24 the example registry still gives the
    /// same verdicts either way (REG-2026-0003 runs to 2026-12-31, REG-2026-0001 to
    /// 2027-12-31), but from 2027 on today's flows would be `expired-registration`.
    /// The expired entry (REG-2025-0007, to 2025-12-31) stays as it is. `scan` of the
    /// file uses the same registry, so the comparison is fair on any day.
    static func writeConfig(in dir: String) throws {
        let registry = try String(contentsOfFile: Tool.captures + "plant-example-registry.yaml", encoding: .utf8)
            .replacingOccurrences(of: "valid_until: 2026-12-31", with: "valid_until: 2099-12-31")
            .replacingOccurrences(of: "valid_until: 2027-12-31", with: "valid_until: 2099-12-31")
        try registry.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        try """
        home: [CN]
        geo: [\(Tool.captures)plant-example-geo.csv]
        registry: registry.yaml
        fail_on: none
        """.write(toFile: dir + "/borderflow.yaml", atomically: true, encoding: .utf8)
    }

    /// Findings as comparable text: everything but their times (live times differ).
    static func findings(_ json: String) throws -> [String] {
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let list = doc?["findings"] as? [[String: Any]] ?? []
        return list.map { f in
            let server = f["server"] as? [String: Any] ?? [:]
            return [
                "\(f["rule"] ?? "")", "\(server["ip"] ?? "")", "\(server["country"] ?? "-")",
                "hostnames=\(server["hostnames"] ?? "")", "devices=\(f["devices"] ?? "")", "apps=\(f["apps"] ?? "")",
                "categories=\(f["categories"] ?? "")", "flows=\(f["flows"] ?? "")", "bytes=\(f["bytes"] ?? "")",
                "entry=\(f["registryEntry"] ?? "-")",
            ].joined(separator: " ")
        }
    }

    static func input(_ json: String) throws -> [String: Any] {
        let doc = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return (doc?["inputs"] as? [[String: Any]])?.first ?? [:]
    }

    func scan(_ paths: [String]) throws -> Tool.Result {
        try Tool.run(Tool.binary, ["scan", "--config", dir + "/borderflow.yaml", "--format", "json"] + paths, timeout: 60)
    }

    /// Starts `borderflow live` in the namespace, waits until it listens, replays the
    /// example there, and returns the running capture (bounded waits throughout).
    func captureReplay(in ns: TestNamespace, _ liveArguments: [String]) throws -> Tool.Running {
        let live = try ns.start(Tool.binary, ["live", "-i", "lo", "--config", dir + "/borderflow.yaml", "--format", "json",
                                              "-o", dir + "/live.json"] + liveArguments)
        try #require(live.waitForError("listening on lo", timeout: 20), "borderflow live did not start: \(live.errors())")
        let replay = try ns.run(Tool.find("tcpreplay")!, ["-q", "-i", "lo", Tool.captures + "plant-example.pcapng"], timeout: 60)
        #expect(replay.status == 0 && !replay.timedOut, "tcpreplay: \(replay.stdout) \(replay.stderr)")
        #expect(replay.stdout.contains("Successful packets:        516"), "tcpreplay: \(replay.stdout) \(replay.stderr)")
        return live
    }

    @Test(.enabled(if: Tool.replaySkipReason == nil, Comment(rawValue: Tool.replaySkipReason ?? "")))
    func liveCaptureFindsWhatScanFinds() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard let ns = try TestNamespace.makeOrSkip("count") else { return }
        defer { withExtendedLifetime(ns) {} }   // deleted at the end of the test, not after its last use
        // The filter keeps every packet of the example (IPv4 and IPv6, VLAN-tagged or not).
        let live = try captureReplay(in: ns, ["--bpf", "ip or ip6 or vlan", "--count", "516", "--duration", "30",
                                              "--report-every", "0.2", "--updates", dir + "/updates.ndjson",
                                              "--write", dir + "/live.pcapng.lz4"])
        #expect(live.wait(timeout: 60), "borderflow live did not stop by --count or --duration")
        #expect(live.process.terminationStatus == 0, "\(live.errors())")
        #expect(!live.errors().contains("\u{1B}[K"), "a progress line, though standard error is not a terminal")
        let liveReport = try String(contentsOfFile: dir + "/live.json", encoding: .utf8)

        let fromFile = try scan([Tool.captures + "plant-example.pcapng"])
        #expect(fromFile.status == 0, "\(fromFile.stderr)")
        let expected = try Self.findings(fromFile.stdout)
        #expect(expected.count == 6)
        #expect(try Self.findings(liveReport) == expected)

        let input = try Self.input(liveReport)
        #expect(input["path"] as? String == "live:lo")
        #expect(input["packets"] as? Int == 516, "\(input)")
        let capture = input["live"] as? [String: Any] ?? [:]
        #expect(capture["filter"] as? String == "ip or ip6 or vlan")
        #expect(capture["stoppedBy"] as? String == "count")
        #expect(capture["kernelDrops"] as? Int == 0)

        // The rolling updates name every finding (each at least once, as new).
        let updates = try String(contentsOfFile: dir + "/updates.ndjson", encoding: .utf8).split(separator: "\n")
        let updated = Set(try updates.map { line -> String in
            let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
            #expect(o["type"] as? String == "finding")
            return "\(o["rule"] ?? "") \((o["server"] as? [String: Any])?["ip"] ?? "")"
        })
        #expect(updated == Set(expected.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }))

        // The archive scans back to the same findings.
        let back = try scan([dir + "/live.pcapng.lz4"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try Self.findings(back.stdout) == expected)
        #expect(try Self.input(back.stdout)["format"] as? String == "pcapng+lz4")
    }

    /// SIGINT ends a run that has no other limit: every flow is flushed and the report
    /// written; archives rotated by size hold every packet.
    @Test(.enabled(if: Tool.replaySkipReason == nil, Comment(rawValue: Tool.replaySkipReason ?? "")))
    func interruptFlushesEveryFlowAndArchive() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard let ns = try TestNamespace.makeOrSkip("sigint") else { return }
        defer { withExtendedLifetime(ns) {} }   // deleted at the end of the test, not after its last use
        try FileManager.default.createDirectory(atPath: dir + "/archive", withIntermediateDirectories: true)
        let live = try captureReplay(in: ns, ["--report-every", "0", "--progress", "--write", dir + "/archive/plant.pcapng.lz4",
                                              "--rotate", "64K"])
        // Ctrl-C once the progress line (forced on, though stderr is a file) counts every
        // packet, or after 20 s; packets still in the capture buffer are read before the end.
        _ = live.waitForError(" 516 packets", timeout: 20)
        // Twice at once, as `timeout` sends it (to the process and to its group): one request.
        live.signal(SIGINT)
        live.signal(SIGINT)
        #expect(live.wait(timeout: 20), "borderflow live did not stop on SIGINT")
        #expect(live.process.terminationStatus == 0, "\(live.errors())")
        let liveReport = try String(contentsOfFile: dir + "/live.json", encoding: .utf8)
        let input = try Self.input(liveReport)
        #expect(input["packets"] as? Int == 516, "\(input)")
        #expect((input["live"] as? [String: Any])?["stoppedBy"] as? String == "signal")
        let expected = try Self.findings(try scan([Tool.captures + "plant-example.pcapng"]).stdout)
        #expect(try Self.findings(liveReport) == expected)

        // Rotated at 64 KiB: several files, named to sort in the order written. Joined
        // (pcapng sections and LZ4 frames both concatenate) they scan to the same findings;
        // scanned as separate inputs, a flow cut by a rotation would count once per file.
        let files = try FileManager.default.contentsOfDirectory(atPath: dir + "/archive").sorted()
        #expect(files.count > 1 && files.allSatisfy { $0.hasPrefix("plant-") && $0.hasSuffix(".pcapng.lz4") }, "\(files)")
        var joined = Data()
        for f in files { joined.append(try Data(contentsOf: URL(fileURLWithPath: dir + "/archive/" + f))) }
        try joined.write(to: URL(fileURLWithPath: dir + "/joined.pcapng.lz4"))
        let back = try scan([dir + "/joined.pcapng.lz4"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try Self.input(back.stdout)["packets"] as? Int == 516)
        #expect(try Self.findings(back.stdout) == expected)
    }

    /// A silent interface does not keep the run from ending: --duration stops it on
    /// time, with an empty but complete report and a valid (empty) archive.
    @Test(.enabled(if: Tool.replaySkipReason == nil, Comment(rawValue: Tool.replaySkipReason ?? "")))
    func durationStopsASilentCapture() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        guard let ns = try TestNamespace.makeOrSkip("quiet") else { return }
        defer { withExtendedLifetime(ns) {} }   // deleted at the end of the test, not after its last use
        let started = Date()
        let live = try ns.start(Tool.binary, ["live", "-i", "lo", "--config", dir + "/borderflow.yaml", "--duration", "1",
                                              "--format", "json", "-o", dir + "/live.json", "--write", dir + "/quiet.pcapng"])
        #expect(live.wait(timeout: 20), "borderflow live did not stop after --duration 1")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(live.process.terminationStatus == 0, "\(live.errors())")
        let input = try Self.input(try String(contentsOfFile: dir + "/live.json", encoding: .utf8))
        #expect(input["packets"] as? Int == 0)
        #expect((input["live"] as? [String: Any])?["stoppedBy"] as? String == "duration")
        let back = try scan([dir + "/quiet.pcapng"])
        #expect(back.status == 0, "\(back.stderr)")
        #expect(try Self.input(back.stdout)["format"] as? String == "pcapng")
    }
}
