import Dispatch
import Synchronization

/// Work over inputs on several threads: each worker takes the next index as it is free
/// (big and small inputs balance out), and results come back in index order, so what
/// is built from them does not depend on which worker finished first.
public enum Parallel {
    public static func map<T: Sendable>(count: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let workers = max(1, min(workers, count))
        if workers == 1 { return (0 ..< count).map(body) }
        let next = Atomic<Int>(0)
        let slots = Mutex<[T?]>(Array(repeating: nil, count: count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= count { break }
                let result = body(i)
                slots.withLock { $0[i] = result }
            }
        }
        return slots.withLock { $0.map { $0! } }
    }
}
