import CLz4
import CZstd
#if canImport(Glibc)
import Glibc
#endif

/// Where written capture bytes go (synth, live --write): a file descriptor, through one reused buffer, optionally
/// LZ4-frame compressed (liblz4 streaming) or one Zstandard frame (libzstd streaming).
public final class ByteSink {
    public enum Compression: Sendable { case none, lz4, zstd

        /// By the file name, as Wireshark's writers choose: `.lz4`, `.zst`, else none.
        public static func of(path: String) -> Compression {
            path.hasSuffix(".lz4") ? .lz4 : path.hasSuffix(".zst") ? .zstd : .none
        }
    }
    private let fd: Int32
    private var buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    private var lz4: OpaquePointer?
    private var compressed: UnsafeMutableRawBufferPointer?
    private var zstd: OpaquePointer?
    public private(set) var bytesIn = 0
    public private(set) var bytesOut = 0
    /// Bytes taken but not yet compressed or written (at most one chunk).
    public var buffered: Int { used }

    public static let chunk = 1 << 20

    public convenience init(fd: Int32, lz4 compress: Bool) throws {
        try self.init(fd: fd, compression: compress ? .lz4 : .none)
    }

    public init(fd: Int32, compression: Compression) throws {
        self.fd = fd
        buffer = .allocate(byteCount: ByteSink.chunk, alignment: 16)
        if compression == .zstd {
            guard let z = ZSTD_createCCtx() else { throw ByteSinkError("cannot create a Zstandard context") }
            zstd = z
            // Level 3, zstd's default: as fast as LZ4's level here at a better ratio; a checksum per frame.
            _ = ZSTD_CCtx_setParameter(z, ZSTD_c_compressionLevel, 3)
            _ = ZSTD_CCtx_setParameter(z, ZSTD_c_checksumFlag, 1)
            compressed = .allocate(byteCount: ZSTD_CStreamOutSize(), alignment: 16)
        }
        if compression == .lz4 {
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
        if let zstd { ZSTD_freeCCtx(zstd) }
    }

    /// Feeds `used` bytes to the Zstandard stream (`end`: closing the frame), writing
    /// what comes out as it goes.
    private func zstdStream(_ z: OpaquePointer, _ out: UnsafeMutableRawBufferPointer, end: Bool) throws {
        var input = ZSTD_inBuffer(src: UnsafeRawPointer(buffer.baseAddress!), size: used, pos: 0)
        while true {
            var output = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
            let left = ZSTD_compressStream2(z, &output, &input, end ? ZSTD_e_end : ZSTD_e_continue)
            guard ZSTD_isError(left) == 0 else {
                throw ByteSinkError("Zstandard compression failed: \(String(cString: ZSTD_getErrorName(left)))")
            }
            try writeOut(UnsafeRawBufferPointer(rebasing: out[0 ..< output.pos]))
            if end ? left == 0 : input.pos == input.size { break }
        }
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
        if let zstd, let compressed {
            try zstdStream(zstd, compressed, end: false)
        } else if let lz4, let compressed {
            let n = LZ4F_compressUpdate(lz4, compressed.baseAddress, compressed.count, buffer.baseAddress, used, nil)
            guard LZ4F_isError(n) == 0 else { throw ByteSinkError("LZ4 compression failed") }
            try writeOut(UnsafeRawBufferPointer(rebasing: compressed[0 ..< n]))
        } else {
            try writeOut(UnsafeRawBufferPointer(rebasing: buffer[0 ..< used]))
        }
        used = 0
    }

    public func finish() throws {
        if let zstd, let compressed {
            try zstdStream(zstd, compressed, end: true)
            used = 0
            return
        }
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
