#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import WireBytes

/// A forward-only source of bytes that parsers read in place.
///
/// `peek(atLeast:)` returns a view of the bytes from the current position: at least
/// `count` of them unless the stream ends first. The view stays valid until the next
/// `peek` or `advance`; for a mapped file it is the rest of the file and never moves.
public protocol ByteSource: AnyObject {
    func peek(atLeast count: Int) throws(WireError) -> UnsafeRawBufferPointer
    func advance(_ count: Int)
    /// Offset of the current position in the (decoded) stream.
    var position: Int { get }
    /// A problem met at the end of the underlying stream (a compressed frame cut off),
    /// reported as a warning once the reader is done.
    var endProblem: WireError? { get }
    /// Says that no view below `offset` is in use any more, so a mapping may drop
    /// those pages from the process (the page cache keeps them).
    func release(upTo offset: Int)
    /// Offset (in the underlying file) where the file shrank while it was read.
    var shrankAt: Int? { get }
}

extension ByteSource {
    public func release(upTo offset: Int) {}
    public var shrankAt: Int? { nil }
}

/// Bytes already in memory, usually a whole memory-mapped file: peeking is free,
/// nothing is copied. `owner` (the `MappedFile`) is kept alive as long as the source.
public final class BufferSource: ByteSource {
    public let bytes: UnsafeRawBufferPointer
    private let owner: AnyObject?
    private var offset = 0

    /// `start`: where reading begins (a segment of a file that several readers share);
    /// positions stay offsets in the whole file.
    public init(file: MappedFile, startingAt start: Int = 0) {
        bytes = file.bytes
        owner = file
        offset = min(max(start, 0), bytes.count)
        // The pages before the start belong to other readers: never release them.
        released = (offset / BufferSource.pageSize) * BufferSource.pageSize
    }

    /// The caller keeps `bytes` valid for the life of this source (tests, in-memory data).
    public init(unownedBytes bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        owner = nil
    }

    public func peek(atLeast count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[offset...])
    }

    public func advance(_ count: Int) {
        offset = min(offset + count, bytes.count)
        // A decompressor consumes its input through advance: drop what it has read.
        if offset - released >= CaptureLimits.releaseInterval { release(upTo: offset) }
    }
    public var position: Int { offset }
    public var endProblem: WireError? { nil }
    public var shrankAt: Int? { (owner as? MappedFile)?.shrankAt }

    private var released = 0
    private static let pageSize = max(1, Int(sysconf(Int32(_SC_PAGESIZE))))

    /// Unmaps the pages already read, so a long walk over a large file keeps a flat
    /// resident size instead of growing to the file's size.
    public func release(upTo offset: Int) {
        guard owner != nil, let base = bytes.baseAddress else { return }
        let page = BufferSource.pageSize
        let end = (min(offset, bytes.count) / page) * page
        // The mapping starts page-aligned, so offsets from its base align too.
        if end > released {
            _ = madvise(UnsafeMutableRawPointer(mutating: base + released), end - released, MADV_DONTNEED)
            released = end
        }
    }
}

/// Produces bytes into a caller's buffer: a file descriptor or a decompressor.
public protocol ByteFiller: AnyObject {
    /// Writes up to `buffer.count` bytes and returns how many; 0 means the end.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(WireError) -> Int
    var endProblem: WireError? { get }
    /// See `ByteSource.shrankAt`: the compressed file under a decompressor shrank.
    var shrankAt: Int? { get }
}

extension ByteFiller {
    public var shrankAt: Int? { nil }
}

/// A window over a stream, refilled in one reused buffer; only the bytes still
/// needed are moved to the front, and the buffer grows only for a record larger
/// than it (bounded by `CaptureLimits.maxStreamWindow`).
public final class StreamSource: ByteSource {
    private let filler: ByteFiller
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var consumed = 0
    private var atEnd = false

    public init(filler: ByteFiller, capacity: Int = CaptureLimits.streamBufferSize) {
        self.filler = filler
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { buffer.deallocate() }

    public func peek(atLeast count: Int) throws(WireError) -> UnsafeRawBufferPointer {
        if end - start < count, !atEnd {
            try refill(count)
        }
        return UnsafeRawBufferPointer(rebasing: buffer[start ..< end])
    }

    private func refill(_ count: Int) throws(WireError) {
        let wanted = min(count, CaptureLimits.maxStreamWindow)
        if start > 0 {
            let live = end - start
            if live > 0, let base = buffer.baseAddress {
                memmove(base, base + start, live)
            }
            start = 0
            end = live
        }
        if wanted > buffer.count {
            var capacity = buffer.count
            while capacity < wanted { capacity *= 2 }
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
            if end > 0 { bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0 ..< end])) }
            buffer.deallocate()
            buffer = bigger
        }
        // Each fill offers the whole free space: fewer, larger reads.
        while end < wanted {
            let n = try filler.fill(UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
            if n == 0 { atEnd = true; break }
            end += n
        }
    }

    public func advance(_ count: Int) {
        let n = min(count, end - start)
        start += n
        consumed += n
    }

    public var position: Int { consumed }
    public var endProblem: WireError? { filler.endProblem }
    public var shrankAt: Int? { filler.shrankAt }
}

/// Reads a file descriptor (standard input, a pipe, a FIFO).
public final class DescriptorFiller: ByteFiller {
    private let fd: Int32
    private var readSoFar = 0
    public private(set) var endProblem: WireError?

    public init(fd: Int32) { self.fd = fd }

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(WireError) -> Int {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { readSoFar += n; return n }
            if errno == EINTR { continue }
            throw WireError.malformed(.file, "read error", at: readSoFar)
        }
    }
}

/// Adapts any ByteSource (mapped or streamed) as the input of a decompressor.
public final class SourceFiller: ByteFiller {
    let source: ByteSource
    public init(source: ByteSource) { self.source = source }
    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(WireError) -> Int {
        let w = try source.peek(atLeast: 1)
        let n = min(w.count, buffer.count)
        if n > 0 { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: w[0 ..< n])) }
        source.advance(n)
        return n
    }
    public var endProblem: WireError? { source.endProblem }
    public var shrankAt: Int? { source.shrankAt }
}
