import Foundation
import Testing
import TestSupport

/// Running the built `borderflow` (and `ip`, `tcpreplay`) from tests, every wait bounded.
enum Tool {
    static let binary = Fixtures.packageRoot + "/.build/debug/borderflow"
    static let captures = Fixtures.packageRoot + "/Captures/"

    static var isRoot: Bool { geteuid() == 0 }
    static var built: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    /// An executable on the usual system paths, or nil.
    static func find(_ name: String) -> String? {
        for dir in ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"] {
            let path = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Why the live tests that capture cannot run here, or nil when they can.
    static var captureSkipReason: String? {
        if !isRoot { return "not root: live capture needs root (or CAP_NET_RAW); CI runs as root" }
        if !built { return "\(binary) not built: run `swift build --build-tests` first" }
        return nil
    }

    /// Why the replay tests cannot run here, or nil when they can.
    static var replaySkipReason: String? {
        if let reason = captureSkipReason { return reason }
        if find("ip") == nil { return "`ip` (iproute2) not installed: scripts/install-deps.sh installs it" }
        if find("tcpreplay") == nil { return "`tcpreplay` not installed: scripts/install-deps.sh installs it" }
        if !FileManager.default.fileExists(atPath: captures + "plant-example.pcapng") { return "Captures/plant-example.pcapng missing" }
        return nil
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var timedOut: Bool
    }

    /// Runs a program to its end, or kills it after `timeout` seconds (then `timedOut`).
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 60) throws -> Result {
        let p = try start(executable, arguments)
        let timedOut = !p.wait(timeout: timeout)
        return Result(status: p.process.terminationStatus, stdout: p.output(), stderr: p.errors(), timedOut: timedOut)
    }

    static func start(_ executable: String, _ arguments: [String]) throws -> Running {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bf-run-\(getpid())-\(UInt32.random(in: 0 ... .max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        _ = FileManager.default.createFile(atPath: dir + "/out", contents: nil)
        _ = FileManager.default.createFile(atPath: dir + "/err", contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/out"))
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/err"))
        p.standardInput = FileHandle.nullDevice
        try p.run()
        return Running(process: p, dir: dir)
    }

    /// A started program whose output goes to files (read at any time, no pipe to fill).
    final class Running {
        let process: Process
        let dir: String

        init(process: Process, dir: String) {
            self.process = process
            self.dir = dir
        }

        deinit {
            if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
            try? FileManager.default.removeItem(atPath: dir)
        }

        func output() -> String { (try? String(contentsOfFile: dir + "/out", encoding: .utf8)) ?? "" }
        func errors() -> String { (try? String(contentsOfFile: dir + "/err", encoding: .utf8)) ?? "" }

        /// Waits for the end; false (and the program killed) when it took longer than `timeout`.
        func wait(timeout: Double) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return false
            }
            process.waitUntilExit()
            return true
        }

        /// Waits until standard error contains `text`; false after `timeout` or if the program ended.
        func waitForError(_ text: String, timeout: Double) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if errors().contains(text) { return true }
                if !process.isRunning { return errors().contains(text) }
                usleep(20_000)
            }
            return false
        }

        func signal(_ sig: Int32) { if process.isRunning { kill(process.processIdentifier, sig) } }
    }
}

/// A network namespace of the test's own: packets replayed in it reach its loopback
/// and nothing else. Deleted when the value goes away (also when the test failed).
final class TestNamespace {
    let name: String
    let ip: String

    init(_ tag: String) throws {
        guard let ip = Tool.find("ip") else { throw NamespaceError("`ip` not found") }
        self.ip = ip
        name = "bf-live-\(getpid())-\(tag)"
        let add = try Tool.run(ip, ["netns", "add", name], timeout: 20)
        guard add.status == 0 else {
            let denied = add.stderr.contains("not permitted") || add.stderr.contains("denied")
            throw NamespaceError("ip netns add \(name): \(add.stderr)", denied: denied)
        }
        let up = try Tool.run(ip, ["netns", "exec", name, "ip", "link", "set", "lo", "up"], timeout: 20)
        guard up.status == 0 else {
            _ = try? Tool.run(ip, ["netns", "delete", name], timeout: 20)
            throw NamespaceError("ip link set lo up in \(name): \(up.stderr)")
        }
    }

    deinit { _ = try? Tool.run(ip, ["netns", "delete", name], timeout: 20) }

    /// A namespace of the test's own, or nil (reason printed) when the machine refuses
    /// to make one: the test then returns early rather than send packets anywhere else.
    static func makeOrSkip(_ tag: String) throws -> TestNamespace? {
        do { return try TestNamespace(tag) } catch let e as NamespaceError where e.denied {
            print("SKIP: cannot create a network namespace here (\(e.description.trimmingCharacters(in: .whitespacesAndNewlines))); the replay test needs one")
            return nil
        }
    }

    /// `ip netns exec NAME program args...`, started.
    func start(_ program: String, _ arguments: [String]) throws -> Tool.Running {
        try Tool.start(ip, ["netns", "exec", name, program] + arguments)
    }

    /// `ip netns exec NAME program args...`, run to its end (bounded).
    func run(_ program: String, _ arguments: [String], timeout: Double) throws -> Tool.Result {
        try Tool.run(ip, ["netns", "exec", name, program] + arguments, timeout: timeout)
    }
}

struct NamespaceError: Error, CustomStringConvertible {
    var description: String
    /// Root, but the machine does not let it make namespaces (a restricted container).
    var denied = false
    init(_ d: String, denied: Bool = false) {
        description = d
        self.denied = denied
    }
}
