import CLz4
import WireBytes

/// Decompresses LZ4 frames (RFC-like spec: lz4_Frame_format.md), frame after frame,
/// through liblz4's streaming API into the caller's reused buffer.
public final class LZ4FrameFiller: ByteFiller {
    private let input: ByteSource
    public var shrankAt: Int? { input.shrankAt }
    private var context: OpaquePointer?
    private var loop = DecompressionLoop(layer: .lz4, inFrame: false)
    public var endProblem: WireError? { loop.endProblem }

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
        let context = context
        return try loop.fill(buffer, from: input) { src, dst, _ in
            var srcSize = src.count
            var dstSize = dst.count
            let hint = LZ4F_decompress(context, dst.baseAddress, &dstSize, src.baseAddress, &srcSize, nil)
            if LZ4F_isError(hint) != 0 { return .corrupt("corrupt LZ4 frame") }
            // hint 0: a frame ended; another may follow (concatenated frames).
            return .advanced(used: srcSize, made: dstSize, frameOpen: hint != 0)
        }
    }
}
