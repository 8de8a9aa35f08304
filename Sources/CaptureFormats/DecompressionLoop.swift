import WireBytes

/// The loop every decompressing filler runs around its library: take what the source
/// has, let the library turn it into output, and keep track of frames. A frame open
/// when the input ends is a truncation warning (`endProblem`); corruption after some
/// output hands that output out first and the error on the next call, so no good
/// packet is lost.
struct DecompressionLoop {
    let layer: WireLayer
    /// A frame (or gzip member) is open: started and not yet ended.
    var inFrame: Bool
    var endProblem: WireError?
    var pendingError: WireError?

    init(layer: WireLayer, inFrame: Bool) {
        self.layer = layer
        self.inFrame = inFrame
    }

    /// What one library call did.
    enum Step {
        /// Input bytes used, output bytes made, and whether a frame is open after it.
        case advanced(used: Int, made: Int, frameOpen: Bool)
        /// The input is corrupt (why), after using and making these many bytes (zlib
        /// reports both with the error).
        case corrupt(StaticString, used: Int = 0, made: Int = 0)
    }

    /// Fills `buffer` from `input` through `step`, which gets the available input, the
    /// room left, and whether a frame was open before (false: a new one starts).
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer, from input: ByteSource,
                       _ step: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer, Bool) -> Step) throws(WireError) -> Int {
        if let e = pendingError { throw e }
        var produced = 0
        while produced < buffer.count {
            let src = try input.peek(atLeast: 1)
            if src.isEmpty {
                if inFrame {
                    endProblem = WireError.truncated(layer, needed: 1, available: 0, at: input.position)
                    inFrame = false
                }
                break
            }
            switch step(src, UnsafeMutableRawBufferPointer(rebasing: buffer[produced...]), inFrame) {
            case let .corrupt(why, used, made):
                input.advance(used)
                produced += made
                let e = WireError.malformed(layer, why, at: input.position)
                if produced == 0 { throw e }
                pendingError = e
                return produced
            case let .advanced(used, made, open):
                input.advance(used)
                produced += made
                inFrame = open
                if used == 0, made == 0 { return produced }
            }
        }
        return produced
    }
}
