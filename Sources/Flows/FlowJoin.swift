import Inspection

/// Joining a conversation across segments of a split capture: a flow live when one
/// segment ended, and the first flow of its key in the next (read with a fresh table),
/// become what one table reading on would have made of them.
extension FlowState {
    /// Whether reading on would have added `next`'s first packet to this flow (rather
    /// than ending it: idle too long, or a new SYN after a close).
    public func goesOn(with next: FlowState, config: FlowTableConfig) -> Bool {
        if key.ipProtocol == IPProtocol.tcp, next.openedBySyn, isClosed { return false }
        return Time.between(last, next.first) < config.idleTimeout(self)
    }

    /// `next` (its own packets and times) as the next record of this conversation:
    /// orientation, flags and what inspection knew come from this one too.
    public func handedOn(to next: FlowState) -> FlowState {
        var r = next
        r.flagsA |= flagsA
        r.flagsB |= flagsB
        let kept = FlowState.synFromA | FlowState.synFromB | FlowState.synAckFromA | FlowState.synAckFromB | FlowState.tunnelledBit
        r.bits = (next.bits & ~FlowState.firstFromA & ~kept) | (bits & FlowState.firstFromA) | ((bits | next.bits) & kept)
        r.marks = 0   // a later record of the conversation: neither a segment's head nor opened by a SYN
        r.inspection = InspectionState.continued(inspection, by: next.inspection).state
        return r
    }

    /// This flow with `next`'s packets added: one record, as one table would have kept.
    public func joined(with next: FlowState) -> FlowState {
        var r = handedOn(to: next)
        r.first = first
        r.last = max(last, next.last)
        r.packetsAB = packetsAB &+ next.packetsAB
        r.packetsBA = packetsBA &+ next.packetsBA
        r.bytesAB = bytesAB &+ next.bytesAB
        r.bytesBA = bytesBA &+ next.bytesBA
        r.macA = macA != 0 ? macA : next.macA
        r.macB = macB != 0 ? macB : next.macB
        r.marks = marks & ~SegmentMark.head
        return r
    }
}

extension FlowTable {
    /// Start of the active-timeout window `time` falls in (see `FlowTableConfig.activeTimeout`).
    public static func activeWindowStart(_ time: Int64, origin: Int64, length: Int64) -> Int64 {
        let length = max(1, length)
        let d = Time.between(origin, time)
        var w = d / length
        if d < 0, d % length != 0 { w -= 1 }
        return Time.after(origin, w &* length)
    }
}
