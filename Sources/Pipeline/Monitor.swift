import Foundation

/// A value behind a lock, which threads can also wait on until it lets them go on.
/// For coordination between segments, a few times per segment: never per packet.
final class Monitor<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var value: Value

    init(_ value: Value) { self.value = value }

    /// Changes (or reads) the value; waiting threads look at it again afterwards.
    func withLock<R>(_ body: (inout Value) -> R) -> R {
        condition.lock()
        defer {
            condition.broadcast()
            condition.unlock()
        }
        return body(&value)
    }

    /// Returns once `ready` holds for the value.
    func wait(until ready: (Value) -> Bool) {
        condition.lock()
        while !ready(value) { condition.wait() }
        condition.unlock()
    }
}
