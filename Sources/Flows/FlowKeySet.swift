/// A set of flow keys in open addressing on `FlowKey.hash64`: what the table
/// remembers of flows that ended while a segment's heads are marked. A `Set` hashed
/// each key through `Hasher` once per flow created and per flow ended.
struct FlowKeySet: ~Copyable {
    private var keys: UnsafeMutableBufferPointer<FlowKey>
    /// Per slot: whether it holds a key.
    private var used: UnsafeMutableBufferPointer<Bool>
    private(set) var count = 0

    init(capacity: Int = 64) {
        var n = 16
        while n < capacity * 2 { n <<= 1 }
        keys = .allocate(capacity: n)
        used = .allocate(capacity: n)
        used.initialize(repeating: false)
    }

    deinit {
        for i in 0 ..< used.count where used[i] { (keys.baseAddress! + i).deinitialize(count: 1) }
        keys.deallocate()
        used.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    func contains(_ key: FlowKey) -> Bool {
        let mask = used.count - 1
        var i = Int(truncatingIfNeeded: key.hash64) & mask
        while used[i] {
            if keys[i] == key { return true }
            i = (i + 1) & mask
        }
        return false
    }

    mutating func insert(_ key: FlowKey) {
        // Load factor at most one half: probes stay short, and an empty slot always exists.
        if (count + 1) * 2 > used.count { grow() }
        let mask = used.count - 1
        var i = Int(truncatingIfNeeded: key.hash64) & mask
        while used[i] {
            if keys[i] == key { return }
            i = (i + 1) & mask
        }
        (keys.baseAddress! + i).initialize(to: key)
        used[i] = true
        count += 1
    }

    /// Empties the set, keeping its memory.
    mutating func removeAll() {
        guard count > 0 else { return }
        for i in 0 ..< used.count where used[i] {
            (keys.baseAddress! + i).deinitialize(count: 1)
            used[i] = false
        }
        count = 0
    }

    private mutating func grow() {
        let oldKeys = keys, oldUsed = used
        keys = .allocate(capacity: oldUsed.count * 2)
        used = .allocate(capacity: oldUsed.count * 2)
        used.initialize(repeating: false)
        count = 0
        for i in 0 ..< oldUsed.count where oldUsed[i] {
            insert((oldKeys.baseAddress! + i).move())
        }
        oldKeys.deallocate()
        oldUsed.deallocate()
    }
}
