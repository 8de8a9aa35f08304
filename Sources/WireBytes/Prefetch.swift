import CShims

/// Hints the CPU to fetch the cache line at `pointer`; a no-op when out of range is fine
/// (prefetch never faults).
@inlinable @inline(__always)
public func prefetch(_ pointer: UnsafeRawPointer) {
    bf_prefetch(pointer)
}
