import CZstd
import WireBytes

/// Decompresses Zstandard frames (RFC 8878), frame after frame, skippable frames
/// skipped, through libzstd's streaming API into the caller's reused buffer. A frame
/// cut off at the end is a warning with its offset; every byte before it is kept.
public final class ZstdFiller: ByteFiller {
    private let input: ByteSource
    public var shrankAt: Int? { input.shrankAt }
    private let stream: OpaquePointer
    private var loop = DecompressionLoop(layer: .zstd, inFrame: false)
    public var endProblem: WireError? { loop.endProblem }

    public init(input: ByteSource) throws(WireError) {
        self.input = input
        guard let s = ZSTD_createDStream() else {
            throw WireError.unsupported(.zstd, "cannot create a zstd decompression stream", at: 0)
        }
        stream = s
        if ZSTD_isError(ZSTD_initDStream(stream)) != 0 {
            ZSTD_freeDStream(stream)
            throw WireError.unsupported(.zstd, "cannot initialise zstd", at: 0)
        }
    }

    deinit { ZSTD_freeDStream(stream) }

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(WireError) -> Int {
        let stream = stream
        return try loop.fill(buffer, from: input) { src, dst, _ in
            var inBuffer = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
            var outBuffer = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
            let hint = ZSTD_decompressStream(stream, &outBuffer, &inBuffer)
            if ZSTD_isError(hint) != 0 { return .corrupt("corrupt zstd frame") }
            // hint 0: a frame ended and is flushed; another may follow.
            return .advanced(used: inBuffer.pos, made: outBuffer.pos, frameOpen: hint != 0)
        }
    }
}
