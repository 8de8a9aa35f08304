import Foundation
import Pipeline
import Reporting

/// `--state-dir`: one partial result per finished input, written atomically, so an
/// interrupted run loses nothing and `--resume` skips what is done. A file is named
/// by the input's path, size and modification time: a changed file is scanned again.
struct ScanState: Sendable {
    let directory: String

    init(directory: String) throws {
        self.directory = directory
        var isDirectory: ObjCBool = false
        if !(FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue) {
            guard mkdir(directory, 0o755) == 0 || errno == EEXIST else {
                throw CommandFailure("cannot create the state directory \(directory): \(String(cString: strerror(errno)))")
            }
        }
    }

    func file(for input: InputSource) -> String? {
        guard case let .file(path) = input else { return nil }   // standard input cannot be resumed
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let h = StableHash.fnv1a("\(path)\0\(st.st_size)\0\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)")
        return directory + "/" + String(h, radix: 16) + ".partial.json"
    }

    /// The saved result of an input, renumbered to its place in this run's input list.
    /// `needFlows`: the run lists flows (--include-flows), so a result saved without them
    /// does not do.
    /// `fingerprint`: the home, geo data, registry and version of this run; a result saved
    /// under others would carry their verdicts, so it is scanned again.
    func load(_ input: InputSource, index: Int, needFlows: Bool, fingerprint: String) throws -> PartialReport? {
        guard let file = file(for: input) else { return nil }
        var st = stat()
        guard lstat(file, &st) == 0 else { return nil }   // not done yet
        // A saved result is a regular file borderflow wrote; anything else there (a
        // FIFO would block the read, a link could point anywhere) is refused.
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw CommandFailure("\(file): not a regular file; remove it from the state directory and run again")
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("cannot read \(file): \(String(cString: strerror(errno)))")
        }
        // A file that is not a valid partial (damaged, edited, or crafted) stops the run:
        // its counts would otherwise go into the report.
        var p: PartialReport
        do { p = try PartialReport.decode(data, path: file) } catch { throw CommandFailure("\(error)") }
        guard p.inputs.count == 1, p.inputs[0].path == input.displayPath, p.includeFlows || !needFlows,
              p.policyFingerprint == fingerprint
        else { return nil }
        if p.inputs[0].hasErrors { return nil }   // an input that failed is tried again
        p.inputs[0].index = index
        for i in p.findings.indices { p.findings[i].inputs = [index] }
        for i in p.flows.indices { p.flows[i].input = index }
        for i in p.maintenanceSessions.indices { p.maintenanceSessions[i].input = index }
        return p
    }

    /// Saves one input's result (temporary file, then rename); a failure is a warning:
    /// the scan goes on, only resuming loses that input.
    func save(_ partial: PartialReport, input: InputSource) {
        guard let file = file(for: input) else { return }
        do { try writeAtomically(partial.encoded(), to: file) } catch {
            printError("borderflow: warning: could not keep the result of \(input.displayPath) in \(directory): \(error)")
        }
    }
}
