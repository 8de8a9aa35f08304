/// Decides which keys a size-limited table keeps once it is full: the `limit`
/// smallest of all keys ever offered, whatever order they came in, so that tables
/// filled by different workers and merged agree with one filled alone. A max-heap
/// of the kept keys, built only when the table first fills (tables that never fill
/// pay nothing).
public struct SmallestKeys<Key: Comparable & Sendable>: Sendable {
    private var heap: [Key] = []
    private var built = false

    public init() {}

    public enum Admission {
        /// The key is kept; `evicting` (if any) is no longer among the smallest.
        case admit(evicting: Key?)
        /// Not among the smallest: the table leaves it out.
        case reject
    }

    /// A new key for a full table of `kept` keys. Every key admitted so far is in `kept`.
    public mutating func offer<S: Sequence>(_ key: Key, kept: @autoclosure () -> S) -> Admission where S.Element == Key {
        if !built {
            heap = Array(kept())
            built = true
            var i = heap.count / 2
            while i > 0 {
                i -= 1
                siftDown(i)
            }
        }
        guard let top = heap.first else { return .admit(evicting: nil) }
        guard key < top else { return .reject }
        heap[0] = key
        siftDown(0)
        return .admit(evicting: top)
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        while true {
            let l = 2 * i + 1, r = l + 1
            var largest = i
            if l < n, heap[largest] < heap[l] { largest = l }
            if r < n, heap[largest] < heap[r] { largest = r }
            if largest == i { return }
            heap.swapAt(i, largest)
            i = largest
        }
    }
}

extension SmallestKeys where Key: Hashable {
    /// Whether `key`, not yet in the full `table`, may join it; when it pushes out the
    /// largest key, that entry is removed and returned (its counts are left out).
    public mutating func admit<Value>(_ key: Key, into table: inout [Key: Value]) -> (admitted: Bool, evicted: Value?) {
        switch offer(key, kept: table.keys) {
        case .reject: return (false, nil)
        case .admit(let evicted): return (true, evicted.flatMap { table.removeValue(forKey: $0) })
        }
    }
}
