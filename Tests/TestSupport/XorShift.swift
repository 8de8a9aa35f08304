/// A deterministic xorshift generator for mutation tests: the same seed gives the same
/// mutations, so a failure reproduces.
public struct XorShift: Sendable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }
}
