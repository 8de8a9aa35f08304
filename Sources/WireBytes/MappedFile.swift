import CShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only memory mapping of a whole file.
///
/// Views handed out by `bytes` are valid exactly as long as this object lives:
/// keep the `MappedFile` referenced for as long as any view into it is used
/// (`withExtendedLifetime` where the last use is a view, not the file).
public final class MappedFile: @unchecked Sendable {
    public let path: String
    public let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?
    private let length: Int
    /// The SIGBUS guard's slot for this mapping (-1: not guarded).
    private var guardSlot: Int32 = -1
    private let descriptor: Int32

    public enum OpenError: Error, Sendable, CustomStringConvertible {
        case cannotOpen(path: String, errno: Int32)
        case notRegular(path: String)
        case cannotMap(path: String, errno: Int32)

        public var description: String {
            switch self {
            case let .cannotOpen(path, e): return "\(path): cannot open: \(String(cString: strerror(e)))"
            case let .notRegular(path): return "\(path): not a regular file"
            case let .cannotMap(path, e): return "\(path): cannot map: \(String(cString: strerror(e)))"
            }
        }
    }

    public init(path: String) throws(OpenError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .cannotOpen(path: path, errno: errno) }
        var st = stat()
        if fstat(fd, &st) != 0 { let e = errno; close(fd); throw .cannotOpen(path: path, errno: e) }
        if (st.st_mode & S_IFMT) != S_IFREG { close(fd); throw .notRegular(path: path) }
        let size = Int(st.st_size)
        length = size
        if size == 0 {
            close(fd)
            descriptor = -1
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        if p == MAP_FAILED || p == nil { let e = errno; close(fd); throw .cannotMap(path: path, errno: e) }
        // Kept open: when the file shrinks while it is read, its size now says where.
        descriptor = fd
        // Sequential read-ahead: captures are read front to back once.
        _ = madvise(p, size, MADV_SEQUENTIAL)
        _ = madvise(p, size, MADV_WILLNEED)
        base = p
        bytes = UnsafeRawBufferPointer(start: p, count: size)
        guardSlot = bf_guard_register(p, size)
    }

    /// Where the file turned out to have shrunk while it was read (another process
    /// truncated it): its size now, when smaller than mapped; else where a read of the
    /// mapping found no file behind it. The bytes from there on are zeros or filler.
    public var shrankAt: Int? {
        var st = stat()
        if descriptor >= 0, fstat(descriptor, &st) == 0, Int(st.st_size) < length { return Int(st.st_size) }
        let o = bf_guard_fault_offset(guardSlot)
        return o >= 0 ? Int(o) : nil
    }

    /// Drops the process's mapping of the pages wholly inside `range` (the page cache
    /// keeps them; a later read maps them again), so a reader done with a part of a
    /// large file keeps a flat resident size.
    public func dropPages(_ range: Range<Int>) {
        guard let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let lower = (max(0, range.lowerBound) + page - 1) / page * page
        let upper = min(range.upperBound, length) / page * page
        if upper > lower { _ = madvise(base + lower, upper - lower, MADV_DONTNEED) }
    }

    deinit {
        bf_guard_unregister(guardSlot)
        if let base { munmap(base, length) }
        if descriptor >= 0 { close(descriptor) }
    }
}

/// A file's modification time in nanoseconds since the epoch (nil when it cannot be read).
public func modificationTime(_ path: String) -> Int64? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
}
