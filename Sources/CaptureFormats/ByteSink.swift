import CLz4
#if canImport(Glibc)
import Glibc
#endif

/// Where written capture bytes go (synth, live --write): a file descriptor, through one reused buffer, optionally
/// LZ4-frame compressed (liblz4 streaming).
public final class ByteSink {
    private let fd: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    private var lz4: OpaquePointer?
    private var compressed: UnsafeMutableRawBufferPointer?
    public private(set) var bytesIn = 0
    public private(set) var bytesOut = 0
    /// Bytes taken but not yet compressed or written (at most one chunk).
    public var buffered: Int { used }

    public static let chunk = 1 << 20

    public init(fd: Int32, lz4 compress: Bool) throws {
        self.fd = fd
        buffer = .allocate(byteCount: ByteSink.chunk, alignment: 16)
        if compress {
            var ctx: OpaquePointer?
            guard LZ4F_isError(LZ4F_createCompressionContext(&ctx, UInt32(LZ4F_VERSION))) == 0 else { throw ByteSinkError("cannot create an LZ4 context") }
            lz4 = ctx
            let bound = LZ4F_compressBound(ByteSink.chunk, nil) + 64
            compressed = .allocate(byteCount: bound, alignment: 16)
            let n = LZ4F_compressBegin(ctx, compressed!.baseAddress, compressed!.count, nil)
            guard LZ4F_isError(n) == 0 else { throw ByteSinkError("LZ4 frame header failed") }
            try writeOut(UnsafeRawBufferPointer(rebasing: compressed![0 ..< n]))
        }
    }

    deinit {
        buffer.deallocate()
        compressed?.deallocate()
        if let lz4 { LZ4F_freeCompressionContext(lz4) }
    }

    /// Space for `n` bytes at the end of the buffer (flushing first if needed).
    @inline(__always)
    public func reserve(_ n: Int) throws -> UnsafeMutableRawPointer {
        if used + n > buffer.count { try flush() }
        precondition(n <= buffer.count)
        return buffer.baseAddress! + used
    }

    @inline(__always)
    public func commit(_ n: Int) {
        used += n
        bytesIn += n
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        let p = try reserve(bytes.count)
        p.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        commit(bytes.count)
    }

    public func flush() throws {
        guard used > 0 else { return }
        if let lz4, let compressed {
            let n = LZ4F_compressUpdate(lz4, compressed.baseAddress, compressed.count, buffer.baseAddress, used, nil)
            guard LZ4F_isError(n) == 0 else { throw ByteSinkError("LZ4 compression failed") }
            try writeOut(UnsafeRawBufferPointer(rebasing: compressed[0 ..< n]))
        } else {
            try writeOut(UnsafeRawBufferPointer(rebasing: buffer[0 ..< used]))
        }
        used = 0
    }

    public func finish() throws {
        try flush()
        if let lz4, let compressed {
            let n = LZ4F_compressEnd(lz4, compressed.baseAddress, compressed.count, nil)
            guard LZ4F_isError(n) == 0 else { throw ByteSinkError("LZ4 frame end failed") }
            try writeOut(UnsafeRawBufferPointer(rebasing: compressed[0 ..< n]))
        }
    }

    private func writeOut(_ b: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < b.count {
            let n = Glibc.write(fd, b.baseAddress! + off, b.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw ByteSinkError("write failed: \(String(cString: strerror(errno)))")
            }
            off += n
        }
        bytesOut += b.count
    }
}

/// A write or compression failure of a `ByteSink` (with the system's reason).
public struct ByteSinkError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}
