#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// A report, log or saved result being written: every byte of every string (a NUL in a
/// captured name does not end the output, as a C-string write would), to standard
/// output or to a file that appears whole or not at all.
///
/// A file is written to a fresh temporary file beside it (`mkstemp`: created
/// exclusively, so a planted name or symlink is never written through), synced, then
/// renamed over the target. A symlink at the target is therefore replaced, never
/// followed. Devices, FIFOs and paths under /dev and /proc (`/dev/null`, `/dev/stdout`)
/// are written in place: they are streams, not files to replace.
public final class ReportFile {
    public enum Placement: Equatable, Sendable {
        case standardOutput
        /// Written in place: a device, a FIFO, or a link to one.
        case stream(String)
        /// Written beside, then renamed over the path.
        case replace(String)
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "cannot write \(path): \(reason)" }
    }

    public let name: String
    private let file: UnsafeMutablePointer<FILE>
    private let placement: Placement
    private var temporary: String?
    private var done = false

    /// Opens `path` for writing (`nil` or `-`: standard output).
    public init(path: String?) throws(Failure) {
        placement = try ReportFile.placement(of: path)
        switch placement {
        case .standardOutput:
            name = "standard output"
            file = stdout
        case let .stream(p):
            name = p
            guard let f = fopen(p, "w") else { throw Failure(path: p, reason: ReportFile.errorText()) }
            file = f
        case let .replace(p):
            name = p
            let (f, tmp) = try ReportFile.temporaryBeside(p)
            file = f
            temporary = tmp
        }
    }

    deinit {
        // Not finished (an error on the way): nothing half-written is left behind.
        if !done { discard() }
    }

    /// Where the bytes for `path` go; a directory is refused.
    public static func placement(of path: String?) throws(Failure) -> Placement {
        guard let path, path != "-" else { return .standardOutput }
        if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") { return .stream(path) }
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return .replace(path) }
            throw Failure(path: path, reason: errorText())
        }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .replace(path)
        case S_IFDIR: throw Failure(path: path, reason: "it is a directory (name a file inside it)")
        case S_IFLNK:
            var target = stat()
            guard stat(path, &target) == 0 else { return .replace(path) }   // dangling: the link is replaced
            switch target.st_mode & S_IFMT {
            case S_IFREG: return .replace(path)
            case S_IFDIR: throw Failure(path: path, reason: "it is a link to a directory (name a file inside it)")
            default: return .stream(path)
            }
        default: return .stream(path)
        }
    }

    public func write(_ text: String) {
        var t = text
        t.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    public func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes(write)
    }

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        _ = fwrite(bytes.baseAddress, 1, bytes.count, file)
    }

    /// Flushes, syncs and puts the file in place; throws (leaving the target as it was)
    /// when the bytes did not all get out, e.g. on a full disk.
    public func finish() throws(Failure) {
        done = true
        var failed = fflush(file) != 0 || ferror(file) != 0
        var err = errno
        if case .replace = placement, !failed, fsync(fileno(file)) != 0 { failed = true; err = errno }
        if file != stdout, fclose(file) != 0, !failed { failed = true; err = errno }
        if failed {
            if let temporary { unlink(temporary) }
            throw Failure(path: name, reason: String(cString: strerror(err)) + (err == ENOSPC ? " (is the disk full?)" : ""))
        }
        if let temporary, rename(temporary, name) != 0 {
            err = errno
            unlink(temporary)
            throw Failure(path: name, reason: String(cString: strerror(err)))
        }
    }

    /// Drops what was written: the target stays as it was.
    public func discard() {
        guard !done else { return }
        done = true
        if file == stdout { fflush(file); return }
        fclose(file)
        if let temporary { unlink(temporary) }
    }

    /// `DIR/.NAME.XXXXXX`, created exclusively, with the permissions a new file gets.
    private static func temporaryBeside(_ path: String) throws(Failure) -> (UnsafeMutablePointer<FILE>, String) {
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[...$0]) } ?? ""
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array((dir + "." + base + ".XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(path: path, reason: errorText()) }
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // mkstemp makes the file 0600; a report gets what any new file would (umask).
        let mask = umask(0o022)
        umask(mask)
        fchmod(fd, 0o666 & ~mask)
        guard let f = fdopen(fd, "w") else {
            let reason = errorText()
            close(fd)
            unlink(tmp)
            throw Failure(path: path, reason: reason)
        }
        return (f, tmp)
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }
}
