import CZlib
import WireBytes

/// Inflates gzip (and zlib) streams, member after member, through zlib into the
/// caller's reused buffer.
public final class GzipFiller: ByteFiller {
    private let input: ByteSource
    public var shrankAt: Int? { input.shrankAt }
    private var stream = z_stream()
    private var inMember = true
    public private(set) var endProblem: WireError?
    /// Corruption met after some bytes were produced: those first, the error next call.
    private var pendingError: WireError?

    public init(input: ByteSource) throws(WireError) {
        self.input = input
        // 15 window bits + 32: zlib detects gzip or zlib headers itself.
        let rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if rc != Z_OK { throw WireError.unsupported(.gzip, "cannot initialise zlib", at: 0) }
    }

    deinit { inflateEnd(&stream) }

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(WireError) -> Int {
        if let e = pendingError { throw e }
        var produced = 0
        while produced < buffer.count {
            let src = try input.peek(atLeast: 1)
            if src.isEmpty {
                if inMember {
                    endProblem = WireError.truncated(.gzip, needed: 1, available: 0, at: input.position)
                    inMember = false
                }
                break
            }
            if !inMember {
                // Another gzip member follows the one that ended.
                inflateReset(&stream)
                inMember = true
            }
            stream.next_in = UnsafeMutablePointer(mutating: src.baseAddress!.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = UInt32(min(src.count, Int(UInt32.max)))
            stream.next_out = (buffer.baseAddress! + produced).assumingMemoryBound(to: UInt8.self)
            stream.avail_out = UInt32(min(buffer.count - produced, Int(UInt32.max)))
            let before = stream.avail_in
            let outBefore = stream.avail_out
            let rc = inflate(&stream, Z_NO_FLUSH)
            let usedIn = Int(before - stream.avail_in)
            let madeOut = Int(outBefore - stream.avail_out)
            input.advance(usedIn)
            produced += madeOut
            switch rc {
            case Z_OK: break
            case Z_STREAM_END: inMember = false
            case Z_BUF_ERROR: if usedIn == 0, madeOut == 0 { return produced }
            default:
                let e = WireError.malformed(.gzip, "corrupt deflate data", at: input.position)
                if produced == 0 { throw e }
                pendingError = e
                return produced
            }
            if usedIn == 0, madeOut == 0 { break }
        }
        return produced
    }
}
