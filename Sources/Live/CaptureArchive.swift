import CaptureFormats
import WireBytes
#if canImport(Glibc)
import Glibc
#endif

/// `--write FILE`: what is captured, kept as pcapng (LZ4 frames when FILE ends in
/// `.lz4`, one Zstandard frame per file when it ends in `.zst`), in files cut by size or time. A file is written as `NAME.part` and renamed
/// to NAME when it is complete, so every file under its final name reads to the end.
/// Rotated files are named by when they began and their number: `capture-20261124T081500Z-00001.pcapng.lz4`.
public final class CaptureArchive {
    public let path: String
    public let rotation: Rotation?
    let linkType: LinkType
    let snapLength: Int32
    let interface: String
    let compression: ByteSink.Compression
    private var sink: ByteSink?
    private var fd: Int32 = -1
    private var current: String?
    /// When the open file is to be cut (time rotation), in ns since the epoch.
    private var cutAt = Int64.max
    /// Files completed so far (final names), in order.
    public private(set) var files: [String] = []

    /// Opens the first file at once, so that an unwritable place fails before capture starts.
    public init(path: String, rotation: Rotation?, linkType: LinkType, snapLength: Int32, interface: String, now: Int64) throws {
        self.path = path
        self.rotation = rotation
        self.linkType = linkType
        self.snapLength = snapLength
        self.interface = interface
        compression = ByteSink.Compression.of(path: path)
        try open(at: now)
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Adds one packet, starting a new file first when the rotation says so.
    @inline(__always)
    public func write(time: Int64, data: UnsafeRawBufferPointer, originalLength: Int, now: Int64) throws {
        if now >= cutAt { try close() }
        if sink == nil { try open(at: now) }
        guard let sink else { return }
        try PcapngBlockWriter(sink: sink).packet(time: time, data: data, originalLength: originalLength)
        if case let .size(limit) = rotation, sink.bytesOut + sink.buffered >= limit { try close() }
    }

    /// Time passes (no packet needed): a file whose time is up is completed.
    public func tick(now: Int64) throws {
        if now >= cutAt { try close() }
    }

    /// What is buffered goes to disk (now and then, so a quiet link does not keep
    /// packets in memory; not per packet, which would make LZ4 blocks small).
    public func flush() throws {
        do { try sink?.flush() } catch { throw LiveCaptureError("cannot write \(current ?? path).part: \(error)") }
    }

    /// Completes the open file (end of capture).
    public func finish() throws { try close() }

    private func open(at now: Int64) throws {
        let name = nextName(at: now)
        let part = name + ".part"
        let f = Glibc.open(part, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard f >= 0 else { throw LiveCaptureError("cannot write \(part): \(String(cString: strerror(errno)))") }
        do {
            let s = try ByteSink(fd: f, compression: compression)
            try PcapngBlockWriter(sink: s).header(linkType: linkType, snapLength: UInt32(bitPattern: snapLength), interfaceName: interface)
            sink = s
        } catch {
            Glibc.close(f)
            unlink(part)
            throw LiveCaptureError("cannot write \(part): \(error)")
        }
        fd = f
        current = name
        if case let .time(every) = rotation { cutAt = (now / every + 1) * every } else { cutAt = .max }
    }

    private func close() throws {
        guard let sink, let name = current else { return }
        self.sink = nil
        current = nil
        cutAt = .max
        let f = fd
        fd = -1
        do {
            try sink.finish()
        } catch {
            Glibc.close(f)
            throw LiveCaptureError("cannot write \(name).part: \(error)")
        }
        guard fsync(f) == 0 || errno == EINVAL, Glibc.close(f) == 0 else {
            throw LiveCaptureError("cannot write \(name).part: \(String(cString: strerror(errno)))")
        }
        guard rename(name + ".part", name) == 0 else {
            throw LiveCaptureError("cannot rename \(name).part to \(name): \(String(cString: strerror(errno)))")
        }
        files.append(name)
    }

    /// The plain path without rotation; with it, the path with the file's start time
    /// (UTC) and the run's file number before the capture suffixes, so that names sort
    /// in the order the files were written (`cat` them in that order to rejoin flows).
    func nextName(at now: Int64) -> String {
        guard rotation != nil else { return path }
        var stem = Substring(path)
        var suffix = ""
        for s in [".lz4", ".zst", ".pcapng", ".pcap"] where stem.hasSuffix(s) {
            stem = stem.dropLast(s.count)
            suffix = s + suffix
        }
        let number = String(files.count + 1)
        let base = "\(stem)-\(CaptureArchive.stamp(now))-\(String(repeating: "0", count: max(0, 5 - number.count)))\(number)"
        var name = base + suffix
        var n = 2
        while access(name, F_OK) == 0 || access(name + ".part", F_OK) == 0 {
            name = "\(base).\(n)\(suffix)"   // another run's file of the same second: never overwritten
            n += 1
        }
        return name
    }

    /// `20261124T081500Z` for a time in ns since the epoch.
    static func stamp(_ ns: Int64) -> String {
        var seconds = time_t(ns / 1_000_000_000)
        var t = tm()
        gmtime_r(&seconds, &t)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(t.tm_year + 1900)\(two(t.tm_mon + 1))\(two(t.tm_mday))T\(two(t.tm_hour))\(two(t.tm_min))\(two(t.tm_sec))Z"
    }
}
