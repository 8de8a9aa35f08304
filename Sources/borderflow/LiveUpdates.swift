import Live
import Policy
import Reporting
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `live --updates FILE` (or standard output): the rolling reports, one NDJSON line per
/// new or changed finding, flushed at once so a reader sees them as they come.
final class LiveUpdates {
    private let file: UnsafeMutablePointer<FILE>
    private let owned: Bool
    let path: String

    init(path: String?) throws {
        guard let path, path != "-" else {
            file = stdout
            owned = false
            self.path = "standard output"
            return
        }
        // Lines appear as they come, so the file cannot be written beside and renamed
        // over: a symlink at a file's place is refused instead of followed.
        let f: UnsafeMutablePointer<FILE>?
        if case .stream = try ReportFile.placement(of: path) {
            f = fopen(path, "w")
        } else {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o666)
            f = fd < 0 ? nil : fdopen(fd, "w")
        }
        guard let f else {
            let reason = errno == ELOOP ? "it is a symbolic link (name the file itself)" : String(cString: strerror(errno))
            throw CommandFailure("cannot write \(path): \(reason)")
        }
        file = f
        owned = true
        self.path = path
    }

    deinit { if owned { fclose(file) } }

    /// `{"type":"finding","change":"new"|"changed","at":TIME, ...the finding as the report shows it}`
    func write(_ changes: [(change: FindingChanges.Change, finding: Finding)], at now: Int64) {
        for (change, finding) in changes {
            guard case let .object(members) = ScanReport.json(finding) else { continue }
            let line = JSON.object([
                ("type", .string("finding")),
                ("change", .string(change.rawValue)),
                ("at", .string(Timestamps.rfc3339(nanoseconds: now, fractionDigits: 6))),
            ] + members)
            var text = line.rendered() + "\n"
            text.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, file) }
        }
        fflush(file)
    }

    /// Flushes and says whether every line got out (a full disk).
    func finish() throws {
        if fflush(file) != 0 || ferror(file) != 0 {
            throw CommandFailure("writing the updates to \(path) failed: \(String(cString: strerror(errno)))")
        }
    }
}
