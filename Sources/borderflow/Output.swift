import ArgumentParser
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Where a command writes its report: standard output or `--output FILE`.
struct OutputTarget {
    private let file: UnsafeMutablePointer<FILE>
    private let owned: Bool
    private let name: String

    init(path: String?) throws {
        guard let path, path != "-" else {
            file = stdout
            owned = false
            name = "standard output"
            return
        }
        name = path
        guard let f = fopen(path, "w") else {
            throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        file = f
        owned = true
    }

    func write(_ text: String) {
        fputs(text, file)
    }

    func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes(write)
    }

    func write(_ bytes: UnsafeRawBufferPointer) {
        _ = fwrite(bytes.baseAddress, 1, bytes.count, file)
    }

    func close() {
        fflush(file)
        if owned { fclose(file) }
    }

    /// Flushes and closes, and says so when the bytes did not all get out (a full disk).
    func finish() throws {
        let failed = fflush(file) != 0 || ferror(file) != 0
        let err = errno
        if owned { fclose(file) }
        if failed { throw CommandFailure("cannot write \(name): \(String(cString: strerror(err)))") }
    }
}

/// Lines for people on standard error (warnings, progress), never mixed into reports.
func printError(_ text: String) {
    fputs(text.hasSuffix("\n") ? text : text + "\n", stderr)
}

/// A configuration or output problem found while running: `Borderflow.main` prints it
/// as one line and exits 2 (no usage text, unlike an argument error).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
