import CZlib
import WireBytes

/// Inflates gzip (and zlib) streams, member after member, through zlib into the
/// caller's reused buffer.
public final class GzipFiller: ByteFiller {
    private let input: ByteSource
    public var shrankAt: Int? { input.shrankAt }
    private var stream = z_stream()
    private var loop = DecompressionLoop(layer: .gzip, inFrame: true)
    public var endProblem: WireError? { loop.endProblem }

    public init(input: ByteSource) throws(WireError) {
        self.input = input
        // 15 window bits + 32: zlib detects gzip or zlib headers itself.
        let rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if rc != Z_OK { throw WireError.unsupported(.gzip, "cannot initialise zlib", at: 0) }
    }

    deinit { inflateEnd(&stream) }

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(WireError) -> Int {
        try loop.fill(buffer, from: input) { src, dst, inMember in
            // Another gzip member follows the one that ended.
            if !inMember { inflateReset(&stream) }
            stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress!.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(min(src.count, Int(UInt32.max)))
            stream.next_out = dst.baseAddress!.assumingMemoryBound(to: UInt8.self)
            stream.avail_out = UInt32(min(dst.count, Int(UInt32.max)))
            let before = stream.avail_in, outBefore = stream.avail_out
            let rc = inflate(&stream, Z_NO_FLUSH)
            let used = Int(before - stream.avail_in), made = Int(outBefore - stream.avail_out)
            switch rc {
            case Z_OK, Z_BUF_ERROR: return .advanced(used: used, made: made, frameOpen: true)
            case Z_STREAM_END: return .advanced(used: used, made: made, frameOpen: false)
            default: return .corrupt("corrupt deflate data", used: used, made: made)
            }
        }
    }
}
