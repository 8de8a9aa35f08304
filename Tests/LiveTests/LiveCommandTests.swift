import Foundation
import Testing

/// Capture that cannot start: one clear line on standard error, exit status 2, no report.
/// Nothing is sent: opening a capture (here on `lo`) only listens.
@Suite struct LiveCommandTests {
    let policy = ["--home", "CN", "--geo", Tool.captures + "plant-example-geo.csv"]

    func expectOneLine(_ r: Tool.Result, containing text: String) {
        #expect(!r.timedOut)
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)")
        #expect(r.stderr.contains(text), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test(.enabled(if: Tool.captureSkipReason == nil, Comment(rawValue: Tool.captureSkipReason ?? "")))
    func badFilterIsOneLineAndExitTwo() throws {
        let r = try Tool.run(Tool.binary, ["live", "-i", "lo", "--bpf", "tcp port banana or"] + policy, timeout: 30)
        expectOneLine(r, containing: "bad --bpf filter `tcp port banana or`")
    }

    @Test(.enabled(if: Tool.captureSkipReason == nil, Comment(rawValue: Tool.captureSkipReason ?? "")))
    func missingInterfaceIsOneLineAndExitTwo() throws {
        let r = try Tool.run(Tool.binary, ["live", "-i", "bf-nosuch0"] + policy, timeout: 30)
        expectOneLine(r, containing: "cannot capture on bf-nosuch0: no such interface")
    }

    /// Without CAP_NET_RAW (root dropping to nobody with setpriv, every capability gone).
    @Test(.enabled(if: Tool.captureSkipReason == nil && Tool.find("setpriv") != nil, "needs root and setpriv (util-linux)"))
    func missingPermissionIsOneLineAndExitTwo() throws {
        let r = try Tool.run(Tool.find("setpriv")!, ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                                                     "--bounding-set=-all", Tool.binary, "live", "-i", "lo"] + policy, timeout: 30)
        expectOneLine(r, containing: "cannot capture on lo: permission denied")
    }

    /// Before any capture (no root needed): the report could not be written at the end.
    @Test(.enabled(if: Tool.built, "borderflow not built"))
    func unwritableReportFailsBeforeCapture() throws {
        let r = try Tool.run(Tool.binary, ["live", "-i", "lo", "-o", "/nonexistent-dir/report.json"] + policy, timeout: 30)
        expectOneLine(r, containing: "cannot write /nonexistent-dir/report.json")
    }

    @Test(.enabled(if: Tool.built, "borderflow not built"))
    func badOptionsAreUsageErrors() throws {
        let r = try Tool.run(Tool.binary, ["live", "-i", "lo", "--rotate", "15x", "--write", "/tmp/x.pcapng"] + policy, timeout: 30)
        #expect(r.status == 2)
        #expect(r.stderr.contains("--rotate: `15x`"))
        let noWrite = try Tool.run(Tool.binary, ["live", "-i", "lo", "--rotate", "15m"] + policy, timeout: 30)
        #expect(noWrite.status == 2 && noWrite.stderr.contains("--rotate needs --write"))
        for bad in [["--duration", "1e30"], ["--duration", "0"], ["--report-every", "inf"], ["--snaplen", "0"],
                    ["--count", "0"], ["--buffer-size", "lots"], ["--report-every", "0", "--updates", "/tmp/u.ndjson"],
                    // a JSON document and NDJSON updates would share standard output
                    ["--format", "json"], ["--format", "sarif", "-o", "-"]] {
            let r = try Tool.run(Tool.binary, ["live", "-i", "lo"] + bad + policy, timeout: 30)
            #expect(r.status == 2 && r.stderr.hasPrefix("Error: "), "\(bad): \(r.status) \(r.stderr)")
        }
    }
}
