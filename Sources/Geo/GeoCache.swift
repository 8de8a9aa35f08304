#if canImport(Glibc)
import Glibc
#endif
import WireBytes

/// Compiled geo data saved for later runs: parsing and compiling the default text
/// sources takes a third of a second each run; mapping this takes milliseconds, and the
/// table's columns are the file's pages (only those lookups touch become resident).
/// A cache file holds the fingerprint of the sources it was compiled from (each one's
/// path, size, modification time and a hash of its bytes), the range table and a
/// checksum; one that does not match, or does not hold up, is never used.
///
/// Layout, little-endian: magic `BFGEO\0\0\x02`, fingerprint (u32 length + UTF-8),
/// sources (u32 count; each a u32 length + path and a u64 range count), v4 count and
/// v6 count (u64 each); then, each starting at a multiple of 16, v4 starts and ends (u32
/// each), v4 codes (u16), v6 starts and ends (two u64 each, high then low) and v6 codes
/// (u16); padding to 8, then a u64 checksum of everything before it.
public enum GeoCache {
    static let magic: [UInt8] = [0x42, 0x46, 0x47, 0x45, 0x4F, 0, 0, 2]
    /// Sources smaller than this compile in milliseconds: they are not cached.
    public static let minimumSourceBytes = 1 << 20

    /// What a table compiled from `paths` depends on; nil when a source cannot be read.
    public static func fingerprint(paths: [String]) -> String? {
        var out = ""
        for path in paths {
            guard let file = try? MappedFile(path: path), let mtime = modificationTime(path) else { return nil }
            let hash = withExtendedLifetime(file) { checksum(file, count: file.bytes.count) }
            out += "\(path)\t\(file.bytes.count)\t\(mtime)\t\(String(hash, radix: 16))\n"
        }
        return out
    }

    /// The cache file's name for these sources (by their paths: a cache of changed
    /// sources is found, refused and rewritten, not left beside a new one).
    public static func fileName(for paths: [String]) -> String {
        let key = Array(paths.joined(separator: "\n").utf8)
        let h = key.withUnsafeBytes { checksum($0) }
        return "geo-" + String(h, radix: 16) + ".bin"
    }

    /// Whether `paths` are worth a cache (large enough to take time to compile).
    public static func worthCaching(_ paths: [String]) -> Bool {
        var total = 0
        for p in paths {
            var st = stat()
            if stat(p, &st) == 0 { total += Int(st.st_size) }
        }
        return total >= minimumSourceBytes
    }

    /// A hash of the bytes, four words at a time in independent lanes (it runs over
    /// every source and the cache itself on each start; not cryptographic: it tells a
    /// changed source or a damaged cache file, not a forged one).
    static func checksum(_ b: UnsafeRawBufferPointer) -> UInt64 {
        var h = LaneHash()
        h.add(b)
        return h.finish()
    }

    /// The checksum of a mapped file's first `count` bytes, a megabyte at a time, its
    /// pages let go as it goes (so that checking a large file does not make it resident).
    static func checksum(_ file: MappedFile, count: Int) -> UInt64 {
        var h = LaneHash()
        var at = 0
        let step = 1 << 20
        while at < count {
            let end = min(count, at + step)
            h.add(UnsafeRawBufferPointer(rebasing: file.bytes[at ..< end]))
            file.dropPages(at ..< end)
            at = end
        }
        return h.finish()
    }

    /// Four 64-bit lanes of multiply-xorshift; fed in pieces whose sizes are multiples
    /// of 32 bytes but the last.
    struct LaneHash {
        var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x9E37_79B9_7F4A_7C15, 0xC2B2_AE3D_27D4_EB4F, 0x1656_67B1_9E37_79F9, 0x85EB_CA77_C2B2_AE63)
        var tail: UInt64 = 0x27D4_EB2F_1656_67C5
        var count = 0

        @inline(__always) static func mix(_ h: UInt64, _ w: UInt64) -> UInt64 {
            let x = (h ^ w) &* 0x0000_0100_0000_01B3
            return x ^ (x >> 29)
        }

        mutating func add(_ b: UnsafeRawBufferPointer) {
            var i = 0
            while i + 32 <= b.count {
                lanes.0 = Self.mix(lanes.0, b.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                lanes.1 = Self.mix(lanes.1, b.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                lanes.2 = Self.mix(lanes.2, b.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
                lanes.3 = Self.mix(lanes.3, b.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
                i += 32
            }
            while i < b.count {
                tail = Self.mix(tail, UInt64(b[i]))
                i += 1
            }
            count += b.count
        }

        func finish() -> UInt64 {
            let h = Self.mix(Self.mix(Self.mix(Self.mix(lanes.0, lanes.1), lanes.2), lanes.3), tail) ^ UInt64(count)
            return h ^ (h >> 32)
        }
    }

    public enum Outcome: Sendable {
        case hit(GeoDatabase)
        /// No file: compile and save.
        case missing
        /// A file that does not match the sources or does not hold up (why).
        case unusable(String)
    }

    /// Whether the cache's columns can be this process's memory as they are: a
    /// little-endian host, and `IPAddress` laid out as its two words, high first.
    static let columnsMapDirectly: Bool = {
        UInt32(littleEndian: 1) == 1 && MemoryLayout<IPAddress>.size == 16 && MemoryLayout<IPAddress>.stride == 16
            && MemoryLayout<IPAddress>.offset(of: \IPAddress.high) == 0 && MemoryLayout<IPAddress>.offset(of: \IPAddress.low) == 8
    }()

    /// The table saved at `path`, if it was compiled from sources with `fingerprint`.
    public static func load(_ path: String, fingerprint: String) -> Outcome {
        guard let file = try? MappedFile(path: path) else { return .missing }
        let b = file.bytes
        var r = Reader(b: b)
        guard b.count >= 16, r.bytes(8) == magic, columnsMapDirectly else { return .unusable("not a borderflow geo cache of this version") }
        r.end = b.count - 8
        guard let saved = r.string(), saved == fingerprint else { return .unusable("its sources have changed") }
        let stored = b.loadUnaligned(fromByteOffset: b.count - 8, as: UInt64.self)
        guard checksum(file, count: b.count - 8) == UInt64(littleEndian: stored) else { return .unusable("its checksum does not match (damaged)") }
        guard let sourceCount = r.u32(), sourceCount <= 1024 else { return .unusable("damaged") }
        var sources: [(path: String, ranges: Int)] = []
        for _ in 0 ..< sourceCount {
            guard let p = r.string(), let n = r.u64() else { return .unusable("damaged") }
            sources.append((p, Int(n)))
        }
        guard let v4 = r.u64().map(Int.init), let v6 = r.u64().map(Int.init), v4 >= 0, v6 >= 0,
              v4 <= r.remaining / 10, v6 <= r.remaining / 34 else { return .unusable("damaged") }
        guard let a = r.column(UInt32.self, v4), let e4 = r.column(UInt32.self, v4), let c4 = r.column(UInt16.self, v4),
              let s6 = r.column(IPAddress.self, v6), let e6 = r.column(IPAddress.self, v6), let c6 = r.column(UInt16.self, v6),
              r.align(8), r.remaining == 0 else { return .unusable("damaged") }
        let t = RangeTable(owner: file, v4Starts: a, v4Ends: e4, v4Codes: c4, v6Starts: s6, v6Ends: e6, v6Codes: c6)
        return .hit(GeoDatabase(table: t, sources: sources))
    }

    /// Writes `db` for sources with `fingerprint` to `path`, whole (a temporary file
    /// beside it, renamed over it), so that a reader never sees half a cache.
    public static func save(_ db: GeoDatabase, fingerprint: String, to path: String) -> Bool {
        var out: [UInt8] = magic
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { out += $0 } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        func string(_ s: String) { u32(s.utf8.count); out += Array(s.utf8) }
        func pad() { while out.count % 8 != 0 { out.append(0) } }
        string(fingerprint)
        u32(db.sources.count)
        for s in db.sources { string(s.path); u64(UInt64(s.ranges)) }
        let t = db.table
        u64(UInt64(t.v4Starts.count))
        u64(UInt64(t.v6Starts.count))
        func column<T: FixedWidthInteger>(_ c: UnsafeBufferPointer<T>) {
            while out.count % 16 != 0 { out.append(0) }
            for v in c { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
        }
        func column(_ c: UnsafeBufferPointer<IPAddress>) {
            while out.count % 16 != 0 { out.append(0) }
            for a in c { u64(a.high); u64(a.low) }
        }
        column(t.v4Starts)
        column(t.v4Ends)
        column(t.v4Codes)
        column(t.v6Starts)
        column(t.v6Ends)
        column(t.v6Codes)
        pad()
        u64(out.withUnsafeBytes { checksum($0) })
        var template = Array((path + ".tmp-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return false }
        let temporary = String(cString: template)
        var written = 0
        while written < out.count {
            let n = out.withUnsafeBytes { write(fd, $0.baseAddress! + written, out.count - written) }
            if n <= 0 { break }
            written += n
        }
        // Readable by others: a cache prepared in a container image serves every user.
        let ok = written == out.count && fchmod(fd, 0o644) == 0 && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else { unlink(temporary); return false }
        return true
    }

    /// Bounds-checked reads of a cache file.
    struct Reader {
        let b: UnsafeRawBufferPointer
        var at = 0
        var end: Int
        init(b: UnsafeRawBufferPointer) { self.b = b; end = b.count }
        var remaining: Int { end - at }

        mutating func bytes(_ n: Int) -> [UInt8]? {
            guard n <= remaining else { return nil }
            defer { at += n }
            return Array(b[at ..< at + n])
        }
        mutating func u32() -> Int? {
            guard remaining >= 4 else { return nil }
            defer { at += 4 }
            return Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
        }
        mutating func u64() -> UInt64? {
            guard remaining >= 8 else { return nil }
            defer { at += 8 }
            return UInt64(littleEndian: b.loadUnaligned(fromByteOffset: at, as: UInt64.self))
        }
        mutating func string() -> String? {
            guard let n = u32(), n <= remaining, let raw = bytes(n) else { return nil }
            return String(decoding: raw, as: UTF8.self)
        }
        /// `n` values starting at the next multiple of 16, as a view into the file.
        mutating func column<T>(_: T.Type, _ n: Int) -> UnsafeBufferPointer<T>? {
            guard align(16) else { return nil }
            let size = MemoryLayout<T>.stride
            guard n >= 0, n <= remaining / size else { return nil }
            defer { at += n * size }
            guard n > 0, let base = b.baseAddress else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: (base + at).bindMemory(to: T.self, capacity: n), count: n)
        }

        mutating func align(_ n: Int) -> Bool {
            let padded = (at + n - 1) / n * n
            guard padded <= end else { return false }
            at = padded
            return true
        }
    }
}
