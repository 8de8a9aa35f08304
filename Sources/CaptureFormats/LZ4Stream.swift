import CLz4
import WireBytes

/// Decompresses LZ4 frames (RFC-like spec: lz4_Frame_format.md), frame after frame,
/// through liblz4's streaming API into the caller's reused buffer.
public final class LZ4FrameFiller: ByteFiller {
    private let input: ByteSource
    public var shrankAt: Int? { input.shrankAt }
    private var context: OpaquePointer?
    private var inFrame = false
    public private(set) var endProblem: WireError?
    /// Corruption met after some bytes were already produced: those are handed out
    /// first, the error on the next call, so no good packet is lost.
    private var pendingError: WireError?

    public init(input: ByteSource) throws(WireError) {
        self.input = input
        var ctx: OpaquePointer?
        let rc = LZ4F_createDecompressionContext(&ctx, UInt32(LZ4F_VERSION))
        if LZ4F_isError(rc) != 0 || ctx == nil {
            throw WireError.unsupported(.lz4, "cannot create an LZ4 decompression context", at: 0)
        }
        context = ctx
    }

    deinit { if let context { LZ4F_freeDecompressionContext(context) } }

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(WireError) -> Int {
        if let e = pendingError { throw e }
        var produced = 0
        while produced < buffer.count {
            let src = try input.peek(atLeast: 1)
            if src.isEmpty {
                if inFrame {
                    endProblem = WireError.truncated(.lz4, needed: 1, available: 0, at: input.position)
                    inFrame = false
                }
                break
            }
            var srcSize = src.count
            var dstSize = buffer.count - produced
            let hint = LZ4F_decompress(context, buffer.baseAddress! + produced, &dstSize,
                                       src.baseAddress, &srcSize, nil)
            if LZ4F_isError(hint) != 0 {
                let e = WireError.malformed(.lz4, "corrupt LZ4 frame", at: input.position)
                if produced == 0 { throw e }
                pendingError = e
                return produced
            }
            input.advance(srcSize)
            produced += dstSize
            // hint 0: a frame ended; another may follow (concatenated frames).
            inFrame = hint != 0
            if srcSize == 0, dstSize == 0 { break }
        }
        return produced
    }
}
