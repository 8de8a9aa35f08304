#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WireBytes

/// Reads the packets of one capture, whatever its format, in place.
///
/// A non-copyable value: one reader owns its input, and its state lives in plain
/// stored properties the optimiser keeps in registers (no class, no dynamic
/// exclusivity checks in the record walk).
///
/// `next()` returns records whose bytes stay valid until the following call. Reading is
/// lax: a problem is recorded in `problems` with its offset and the reader either skips
/// the bad record (when the container's framing still holds) or stops; it never traps.
public struct CaptureReader: ~Copyable {
    public let format: ContainerFormat
    public let compression: [Compression]
    /// pcap only: nanosecond timestamps, and the file's byte order.
    public internal(set) var nanosecond = false
    public internal(set) var bigEndian = false
    public internal(set) var version: (major: UInt16, minor: UInt16) = (0, 0)
    /// Every interface met so far (pcapng: across all sections).
    public internal(set) var interfaces: [CaptureInterface] = []
    public internal(set) var problems: [CaptureProblem] = []
    public internal(set) var sections = 0
    /// Set once the reader met the end of its input or a problem it cannot pass.
    public internal(set) var finished = false
    /// Where reading stops cleanly: the first record (pcap) or block (pcapng) that starts
    /// at or after this offset is not read, and its offset goes to `stoppedAtLimit`.
    /// A record that starts before the limit is read whole, even past it.
    public var limit: Int? { didSet { placeLimit() } }
    /// The offset of the record or block the reader stopped at because of `limit` (the
    /// end of the input when that is at or past the limit); nil while reading, at the
    /// end of the input before the limit, and after a problem that stopped the reader.
    public private(set) var stoppedAtLimit: Int?

    let source: ByteSource
    var window: UnsafeRawBufferPointer
    var pos = 0
    /// `source.position` when the window was taken: the stream offset of `pos == 0`.
    /// Kept here because asking the source (a protocol existential) per record costs a
    /// dynamic call and reference counting on the hot path.
    var windowBase = 0
    /// `pos` up to which the window has been prefetched.
    var prefetched = 0
    /// `pos` at which the pages behind are next released (mapped input).
    var releaseAt = CaptureLimits.releaseInterval
    /// `limit` as a `pos` in the current window (Int.max without one), so the walk
    /// tests it with one comparison per record.
    @usableFromInline var limitPos = Int.max

    // pcap
    var pcapLinkType = LinkType.ethernet
    var pcapRecordLimit = CaptureLimits.maxRecordLength
    // pcapng
    var sectionInterfaceBase = 0

    /// Opens a file by path: memory-mapped, decompressed through reused buffers if wrapped.
    public static func open(path: String) throws(CaptureOpenError) -> CaptureReader {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch { throw .io(error.description) }
        return try open(file: file)
    }

    /// Opens a file that the caller has mapped already (several readers may share one
    /// mapping, each reading its own segment).
    public static func open(file: MappedFile) throws(CaptureOpenError) -> CaptureReader {
        if file.bytes.isEmpty { throw .empty }
        return try CaptureReader(source: BufferSource(file: file))
    }

    /// Reads standard input (or any descriptor) through a reused buffer.
    public static func open(descriptor fd: Int32) throws(CaptureOpenError) -> CaptureReader {
        try CaptureReader(source: StreamSource(filler: DescriptorFiller(fd: fd)))
    }

    public init(source base: ByteSource) throws(CaptureOpenError) {
        var src = base
        var layers: [Compression] = []
        var detected: SniffResult
        while true {
            let head: UnsafeRawBufferPointer
            do { head = try src.peek(atLeast: 4) } catch { throw .wire(error) }
            if head.isEmpty { throw layers.isEmpty ? .empty : .wire(.truncated(.file, needed: 4, available: 0, at: 0)) }
            detected = sniff(head)
            guard case let .compressed(kind) = detected else { break }
            if layers.count >= CaptureLimits.maxWrappingDepth { throw .tooDeeplyWrapped }
            layers.append(kind)
            do {
                switch kind {
                case .lz4: src = StreamSource(filler: try LZ4FrameFiller(input: src))
                case .gzip: src = StreamSource(filler: try GzipFiller(input: src))
                case .zstd: src = StreamSource(filler: try ZstdFiller(input: src))
                }
            } catch { throw .wire(error) }
        }
        let container: ContainerFormat
        switch detected {
        case .pcap: container = .pcap
        case .pcapng: container = .pcapng
        case .legacyLZ4: throw .legacyLZ4
        case .tooShort:
            throw .wire(.truncated(.file, needed: 4, available: (try? src.peek(atLeast: 4).count) ?? 0, at: 0))
        case let .unknown(m): throw .notACapture(magic: m)
        case .compressed: throw .tooDeeplyWrapped
        }
        var header: PcapFileHeader?
        if case let .pcap(nano, big) = detected {
            header = try PcapFileHeader.read(from: src, nanosecond: nano, bigEndian: big)
        }
        source = src
        compression = layers
        window = UnsafeRawBufferPointer(start: nil, count: 0)
        windowBase = src.position
        format = container
        if let header { adopt(header) }
    }

    /// The next packet, or nil at the end (or at a problem that stops the reader).
    @inlinable
    public mutating func next() -> PacketRecord? {
        if finished { return nil }
        switch format {
        case .pcap: return nextPcapRecord()
        case .pcapng: return nextPcapngRecord()
        }
    }

    /// Makes at least `count` bytes available from `pos`; false when the input ends first.
    @usableFromInline
    mutating func ensure(_ count: Int) -> Bool {
        if window.count - pos >= count { return true }
        source.advance(pos)
        windowBase = source.position
        pos = 0
        releaseAt = CaptureLimits.releaseInterval
        prefetched = 0
        placeLimit()
        do {
            window = try source.peek(atLeast: count)
        } catch {
            report(.error, error, note: "")
            finished = true
            window = UnsafeRawBufferPointer(start: nil, count: 0)
            return false
        }
        return window.count >= count
    }

    /// Lets the source drop what lies behind the record just returned (whose bytes
    /// stay valid until the next call, so the release stops short of it).
    @usableFromInline
    mutating func releaseBehind(_ recordStart: Int) {
        source.release(upTo: windowBase + recordStart)
        releaseAt = pos + CaptureLimits.releaseInterval
    }

    /// Prefetches every cache line up to `prefetchDistance` ahead of `pos`.
    @inline(__always)
    mutating func prefetchAhead() {
        guard let base = window.baseAddress else { return }
        let target = min(pos + CaptureLimits.prefetchDistance, window.count)
        var line = prefetched
        while line < target {
            prefetch(base + line)
            line += CaptureLimits.cacheLine
        }
        prefetched = line
    }

    /// Offset of `pos` in the whole (decoded) stream.
    @usableFromInline
    var streamOffset: Int { windowBase + pos }

    /// Where the next record or block starts, as an offset in the file (or in the
    /// decompressed stream): just past the file header once opened.
    public var position: Int { streamOffset }

    mutating func placeLimit() {
        guard let limit else { limitPos = .max; return }
        // A limit already passed stops the reader at its next record.
        limitPos = limit >= windowBase ? limit - windowBase : -1
    }

    /// Ends reading at the record starting at `pos`, which lies at or past `limit`.
    @usableFromInline @inline(never)
    mutating func stopAtLimit() {
        finished = true
        stoppedAtLimit = streamOffset
    }

    @usableFromInline
    mutating func report(_ severity: CaptureProblem.Severity, _ error: WireError, note: StaticString) {
        CaptureProblem.note(CaptureProblem(severity: severity, error: error, note: note, count: 1,
                                           decompressedOffset: !compression.isEmpty), in: &problems)
    }

    /// Ends reading: a short remainder means the capture was cut inside its last record.
    @usableFromInline
    mutating func finish(remaining: Int, needed: Int, layer: WireLayer) {
        finished = true
        if remaining > 0 {
            report(.warning, .truncated(layer, needed: needed, available: remaining, at: streamOffset),
                   note: "capture cut off inside its last record")
        }
        if let e = source.endProblem {
            report(.warning, e, note: "compressed stream ends inside a frame")
        }
    }

    @usableFromInline
    mutating func stop(_ error: WireError, note: StaticString = "") {
        // Past a point where the file shrank the reader meets filler, not a bad record.
        if noteShrinking() { finished = true; return }
        report(.error, error, note: note)
        finished = true
    }

    /// Reports (once) that the file shrank while it was read; true when it did.
    @discardableResult
    public mutating func noteShrinking() -> Bool {
        guard let at = source.shrankAt else { return false }
        let e = WireError.malformed(.file, "the file shrank while it was read (another program truncated or rewrote it)", at: at)
        if !problems.contains(where: { $0.error == e }) {
            report(.error, e, note: "the records before this offset are in the results; read the file again once it is complete")
        }
        return true
    }

    public var hasErrors: Bool { problems.contains { $0.severity == .error } }
}
