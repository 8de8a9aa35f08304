import ArgumentParser
import Reporting
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Where a command writes its report: standard output or `--output FILE` (written
/// whole through a temporary file, see `ReportFile`).
typealias OutputTarget = ReportFile

/// Lines for people on standard error (warnings, progress), never mixed into reports.
func printError(_ text: String) {
    var line = text.hasSuffix("\n") ? text : text + "\n"
    line.withUTF8 { _ = fwrite($0.baseAddress, 1, $0.count, stderr) }
}

/// A configuration or output problem found while running: `Borderflow.main` prints it
/// as one line and exits 2 (no usage text, unlike an argument error).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
