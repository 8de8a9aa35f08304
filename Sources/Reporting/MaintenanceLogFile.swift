#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// Appends a run's sessions to a retained maintenance log: the file is checked first
/// (header and chain), only sessions not in it are added, earlier rows are never
/// rewritten, and the new rows are synced to disk before the run reports success.
public enum MaintenanceLogFile {
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Adds `rows` to the log at `path` (a new file gets the header); returns how many
    /// rows were added and how many the file already held.
    public static func append(_ rows: [(key: String, text: String)], to path: String) throws(Failure) -> (added: Int, kept: Int) {
        var st = stat()
        if lstat(path, &st) != 0 || (st.st_mode & S_IFMT == S_IFREG && st.st_size == 0) {
            guard errno == ENOENT || st.st_size == 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
            let chained = MaintenanceLog.chain(rows, after: MaintenanceLog.genesis)
            do {
                let out = try ReportFile(path: path)
                out.write(MaintenanceLog.header + "\n" + chained.text)
                try out.finish()
            } catch { throw Failure(path: path, reason: error.reason) }
            return (chained.count, 0)
        }
        // A link could send the rows into another file: a retained log is a regular file.
        guard st.st_mode & S_IFMT == S_IFREG else { throw Failure(path: path, reason: "not a regular file (a retained log is appended to in place)") }
        let fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        // Two runs appending at once would interleave their chains.
        guard flock(fd, LOCK_EX) == 0 else { throw Failure(path: path, reason: "cannot lock: \(String(cString: strerror(errno)))") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var offset: off_t = 0
        while true {
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            if n < 0 { throw Failure(path: path, reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            bytes += chunk[0 ..< n]
            offset += off_t(n)
        }
        guard bytes.last == 0x0A else { throw Failure(path: path, reason: "ends inside a row; check it with borderflow maintenance-log verify") }
        let verified: MaintenanceLog.Verified
        switch MaintenanceLog.verify(String(decoding: bytes, as: UTF8.self)) {
        case .success(let v): verified = v
        case .failure(let broken):
            throw Failure(path: path, reason: "\(broken); nothing was appended (borderflow maintenance-log verify \(path))")
        }
        let chained = MaintenanceLog.chain(rows, after: verified.last, known: verified.keys)
        var text = Array(chained.text.utf8)
        var written = 0
        while written < text.count {
            let n = text.withUnsafeMutableBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: String(cString: strerror(errno)))
            }
            written += n
        }
        guard fsync(fd) == 0 else { throw Failure(path: path, reason: "cannot sync: \(String(cString: strerror(errno)))") }
        text.removeAll()
        return (chained.count, verified.rows)
    }
}
