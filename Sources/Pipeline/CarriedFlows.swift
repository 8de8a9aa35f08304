import Flows

/// The flows a stitcher carries from one segment to the next, keyed by conversation.
/// Stored densely, one `SegmentFlow` each, behind an open-addressing index of 4-byte
/// positions: a carried flow costs ~150 bytes, where a `[FlowKey: SegmentFlow]` entry
/// cost ~370 (a dictionary keeps twice its count in buckets, each a key and a flow).
/// Positions change as flows are removed; everything here depends only on the order of
/// calls, never on hashing seeds, so what a stitcher does with them is deterministic.
struct CarriedFlows {
    private(set) var flows: [SegmentFlow] = []
    /// Position + 1 of a flow, 0 for an empty slot; a power of two, at least twice `count`.
    private var slots: [Int32] = []

    var count: Int { flows.count }
    var isEmpty: Bool { flows.isEmpty }

    subscript(position: Int) -> SegmentFlow { flows[position] }

    /// Makes room for `total` flows without growing on the way.
    mutating func reserve(_ total: Int) {
        if total > flows.capacity { flows.reserveCapacity(total) }
        if total * 2 > slots.count { rebuildIndex(slots: total * 2) }
    }

    /// Adds `flow`; returns the flow it replaced, if one with its key was carried.
    mutating func insert(_ flow: SegmentFlow) -> SegmentFlow? {
        let old = removeValue(forKey: flow.state.key)
        append(flow)
        return old
    }

    /// Takes out the flow of `key`, if carried.
    mutating func removeValue(forKey key: FlowKey) -> SegmentFlow? {
        guard !flows.isEmpty, let slot = slot(of: key) else { return nil }
        let position = Int(slots[slot]) - 1
        let flow = flows[position]
        remove(position: position, slot: slot)
        return flow
    }

    /// Takes out every flow `ends` picks, in the order they were stored.
    mutating func removeAll(where ends: (SegmentFlow) -> Bool) -> [SegmentFlow] {
        var removed: [SegmentFlow] = []
        var position = 0
        while position < flows.count {
            if ends(flows[position]) {
                removed.append(flows[position])
                remove(position: position, slot: slotHolding(position))
                // The last flow moved here: look at this position again.
            } else {
                position += 1
            }
        }
        return removed
    }

    /// Takes out the flows at `positions` (each once, any order).
    mutating func remove(positions: [Int]) {
        // Highest first: removing one moves the last flow into its place, and that flow
        // is never one still to be removed (those all lie lower).
        for position in positions.sorted(by: >) { remove(position: position, slot: slotHolding(position)) }
    }

    /// Every flow, emptying the store.
    mutating func takeAll() -> [SegmentFlow] {
        defer { slots = [] }
        var all: [SegmentFlow] = []
        swap(&all, &flows)
        return all
    }

    private mutating func append(_ flow: SegmentFlow) {
        if (flows.count + 1) * 2 > slots.count { rebuildIndex(slots: max(16, slots.count * 2)) }
        flows.append(flow)
        var slot = Int(truncatingIfNeeded: flow.state.key.hash64) & (slots.count - 1)
        while slots[slot] != 0 { slot = (slot + 1) & (slots.count - 1) }
        slots[slot] = Int32(flows.count)
    }

    private func slot(of key: FlowKey) -> Int? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: key.hash64) & mask
        while slots[slot] != 0 {
            if flows[Int(slots[slot]) - 1].state.key == key { return slot }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private func slotHolding(_ position: Int) -> Int {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: flows[position].state.key.hash64) & mask
        while Int(slots[slot]) != position + 1 { slot = (slot + 1) & mask }
        return slot
    }

    /// Frees `slot` (backward-shift deletion keeps every probe path unbroken), then
    /// moves the last flow into `position`.
    private mutating func remove(position: Int, slot: Int) {
        let mask = slots.count - 1
        var hole = slot
        var next = (hole + 1) & mask
        while slots[next] != 0 {
            let home = Int(truncatingIfNeeded: flows[Int(slots[next]) - 1].state.key.hash64) & mask
            if (next - home) & mask >= (next - hole) & mask {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = 0
        let last = flows.count - 1
        if position != last {
            slots[slotHolding(last)] = Int32(position + 1)
            flows.swapAt(position, last)
        }
        flows.removeLast()
    }

    private mutating func rebuildIndex(slots wanted: Int) {
        var size = 16
        while size < wanted { size *= 2 }
        slots = [Int32](repeating: 0, count: size)
        let mask = size - 1
        for (position, flow) in flows.enumerated() {
            var slot = Int(truncatingIfNeeded: flow.state.key.hash64) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(position + 1)
        }
    }
}
