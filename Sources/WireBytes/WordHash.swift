/// A cheap hash for keys made of a few machine words (addresses, flow keys) that
/// sets and dictionaries meet once or more per flow. `Hasher` (SipHash-1-3, seeded
/// per process) costs ~100 instructions per key; this is a handful. Each table's
/// own `seed` is mixed in, so copying one table into another in its iteration order
/// does not cluster (why the standard library seeds per table). Types hook it in by
/// implementing `Hashable._rawHashValue(seed:)`, what `Set` and `Dictionary` call (a
/// public, underscored requirement); their `hash(into:)` stays for use inside other keys.
public enum WordHash {
    /// Folds two words into one (not yet mixed).
    @inlinable @inline(__always)
    public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        (a &* 0x9E37_79B9_7F4A_7C15) ^ b
    }

    /// The raw hash value a set or dictionary with `seed` uses for `word`.
    @inlinable @inline(__always)
    public static func finish(_ word: UInt64, seed: Int) -> Int {
        var h = word ^ UInt64(truncatingIfNeeded: seed)
        h = (h ^ (h >> 32)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 29)) &* 0x94D0_49BB_1331_11EB
        return Int(truncatingIfNeeded: h ^ (h >> 32))
    }
}
