import Inspection
import WireBytes

/// Timeouts and bounds of the flow table: named, in one place, reported when reached.
public struct FlowTableConfig: Sendable {
    /// No packet for this long ends a flow (nanoseconds); TCP that is still open waits longer.
    public var tcpIdleTimeout: Int64 = 300 * 1_000_000_000
    public var udpIdleTimeout: Int64 = 60 * 1_000_000_000
    public var otherIdleTimeout: Int64 = 60 * 1_000_000_000
    /// A closed TCP flow (FIN both ways, or RST) lingers this long for the last ACKs.
    public var closedLinger: Int64 = 2 * 1_000_000_000
    /// Long flows are cut into records at multiples of this from the input's first
    /// packet (like NetFlow's active timeout, but on a grid, so cuts do not depend on
    /// where reading began); the flow goes on in a new record.
    public var activeTimeout: Int64 = 1800 * 1_000_000_000
    /// Live flows at most; past it the longest-idle flows are evicted early (and counted).
    /// A capture read in segments holds to it across the cuts too (`SegmentStitcher`).
    public var maxFlows: Int = 1 << 20
    /// Addresses named by DNS answers, remembered per input; answers for new addresses
    /// past it are dropped (and counted).
    public var dnsNames: Int = InspectionLimits.dnsNames
    /// How often (capture time) the table looks for flows to end. Ends do not depend
    /// on it (a flow ends at its own next packet after its timeout); it bounds how long
    /// an ended flow waits to be emitted. Each sweep reads every live flow: once a
    /// second cost as much as a table lookup per packet on a 1 GiB plant capture.
    public var sweepInterval: Int64 = 10 * 1_000_000_000

    public init() {}

    /// How long `f` may go without a packet before it ends.
    public func idleTimeout(_ f: FlowState) -> Int64 {
        switch f.key.ipProtocol {
        case IPProtocol.tcp: return f.isClosed ? closedLinger : tcpIdleTimeout
        case IPProtocol.udp: return udpIdleTimeout
        default: return otherIdleTimeout
        }
    }

    /// The longest a flow of `ipProtocol` may go without a packet, open or closed.
    public func longestIdleTimeout(ipProtocol: UInt8) -> Int64 {
        switch ipProtocol {
        case IPProtocol.tcp: return max(tcpIdleTimeout, closedLinger)
        case IPProtocol.udp: return udpIdleTimeout
        default: return otherIdleTimeout
        }
    }
}

public struct FlowTableStats: Sendable, Equatable {
    public var flowsCreated = 0
    public var flowsEmitted = 0
    /// Flows ended early because the table was full (or, in a capture read in
    /// segments, because more flows were live across a cut than a table holds).
    public var evictedForCapacity = 0
    /// Of `evictedForCapacity`, those ended where segments join.
    public var evictedAcrossSegments = 0
    public var peakLiveFlows = 0
    /// The table's bound (`FlowTableConfig.maxFlows`), for the report's note.
    public var maxFlows = 0
    public init() {}

    /// The next segment's table: counts add; the peak is the larger one.
    public mutating func add(_ o: FlowTableStats) {
        flowsCreated += o.flowsCreated
        flowsEmitted += o.flowsEmitted
        evictedForCapacity += o.evictedForCapacity
        evictedAcrossSegments += o.evictedAcrossSegments
        peakLiveFlows = max(peakLiveFlows, o.peakLiveFlows)
        maxFlows = max(maxFlows, o.maxFlows)
    }
}

/// Bidirectional flows keyed by `FlowKey`, in an open-addressing hash table with
/// linear probing over one slab of `FlowState`s. Memory grows by doubling up to
/// `maxFlows` and is then flat; no allocation per packet. Flows are handed to the
/// caller as they end.
public struct FlowTable: ~Copyable {
    public let config: FlowTableConfig
    public private(set) var stats = FlowTableStats()
    /// 0 = empty; otherwise a `Slot`: the key's hash beside the flow's index. A probe
    /// past another key's slot then rarely reads that flow (each such read was a cache
    /// miss of its own), and moving slots needs no flow either.
    private var slots: UnsafeMutableBufferPointer<UInt64>
    private var flows: UnsafeMutableBufferPointer<FlowState>
    public private(set) var count = 0
    public private(set) var now: Int64 = .min
    private var nextSweep: Int64 = .min
    private var activeOrigin: Int64?
    private var windowStart: Int64 = .max, windowEnd: Int64 = .min
    /// The segment's first packet time when heads are marked (see `markHeads`), and
    /// where the last protocol's heads stop.
    private var headFrom: Int64 = .min
    private var headUntil: Int64 = .min
    /// Keys whose flow ended while heads are still marked (a later flow of the key is
    /// not the segment's first).
    private var endedKeys = FlowKeySet()

    public init(config: FlowTableConfig = FlowTableConfig(), initialCapacity: Int = 1024) {
        self.config = config
        stats.maxFlows = config.maxFlows
        let capacity = max(16, min(initialCapacity, config.maxFlows))
        flows = .allocate(capacity: capacity)
        slots = .allocate(capacity: FlowTable.slotCount(for: capacity))
        slots.initialize(repeating: 0)
    }

    deinit {
        flows.baseAddress?.deinitialize(count: count)
        flows.deallocate()
        slots.deallocate()
    }

    /// Slots at least twice the flows (load factor <= 0.5), a power of two.
    private static func slotCount(for flows: Int) -> Int {
        var n = 16
        while n < flows * 2 { n <<= 1 }
        return n
    }

    /// Bytes of table memory per live flow at full load (slab entry plus its slots).
    public static var bytesPerFlow: Int { MemoryLayout<FlowState>.stride + 2 * MemoryLayout<UInt64>.stride }

    /// Adds one packet to its flow, first handing `emit` every flow that has ended by
    /// this packet's time. Returns the flow's slab index (valid until the next `add`)
    /// and whether the packet came from the flow's initiator.
    @discardableResult
    public mutating func add(_ p: FlowPacket, emit: (FlowState) -> Void) -> (index: Int, fromInitiator: Bool) {
        if p.timestamp > now { now = p.timestamp }
        if now >= nextSweep {
            if nextSweep != .min { sweep(emit: emit) }
            nextSweep = Time.after(now, config.sweepInterval)
        }
        let (key, fromA) = FlowKey.of(p)
        let h = Slot.hash(of: key)
        let mask = slots.count - 1
        var i = Int(h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            if Slot.hash(s) != h {
                i = (i + 1) & mask
                continue
            }
            let index = Slot.index(s)
            // One pointer to the flow: indexing the slab again per field reloaded its
            // base each time (the per-packet path runs this for every packet).
            let f = flows.baseAddress! + index
            if f.pointee.key == key {
                // Whether a flow goes on depends only on its own packets (not on when
                // the table last swept), so a capture read in segments ends flows
                // where one read whole does.
                let gap = Time.between(f.pointee.last, p.timestamp)
                let closed = f.pointee.isClosed
                let newConnection = p.ipProtocol == IPProtocol.tcp
                    && p.tcpFlags & (TCPFlag.syn | TCPFlag.ack) == TCPFlag.syn && closed
                if newConnection || gap >= idleTimeout(f.pointee) {
                    f.pointee.end = closed ? .closed : .idle
                    remove(at: index, emit: emit)
                    return add(p, emit: emit)
                }
                if f.pointee.first < activeWindowStart(p.timestamp) { cut(at: index, time: p.timestamp, emit: emit) }
                f.pointee.add(p, fromA: fromA)
                return (index, f.pointee.fromInitiator(fromA))
            }
            i = (i + 1) & mask
        }
        // A new flow.
        if count == flows.count {
            if count >= config.maxFlows {
                evictForCapacity(emit: emit)
            } else {
                grow()
            }
            return add(p, emit: emit)
        }
        var state = FlowState(key: key, time: p.timestamp, fromA: fromA)
        if p.ipProtocol == IPProtocol.tcp, p.tcpFlags & (TCPFlag.syn | TCPFlag.ack) == TCPFlag.syn {
            state.marks |= SegmentMark.openedBySyn
        }
        if now < headUntil {
            let until = headWindowEnd(p.ipProtocol)
            if now < until, p.timestamp < until, !endedKeys.contains(key) { state.marks |= SegmentMark.head }
        }
        _ = activeWindowStart(p.timestamp)   // the first packet sets the windows' origin if none was given
        state.add(p, fromA: fromA)
        (flows.baseAddress! + count).initialize(to: state)
        slots[i] = Slot.make(hash: h, index: count)
        count += 1
        stats.flowsCreated += 1
        if count > stats.peakLiveFlows { stats.peakLiveFlows = count }
        return (count - 1, true)
    }

    /// Start of the active-timeout window `time` falls in. Windows are
    /// `activeTimeout` long and counted from `activeOrigin` (the input's first packet),
    /// so where a long flow is cut depends on the clock alone, not on where it began
    /// being read: a capture read in segments cuts where one read whole does.
    @inline(__always)
    mutating func activeWindowStart(_ time: Int64) -> Int64 {
        if time >= windowStart, time < windowEnd { return windowStart }
        if activeOrigin == nil { activeOrigin = time }
        windowStart = FlowTable.activeWindowStart(time, origin: activeOrigin!, length: config.activeTimeout)
        windowEnd = Time.after(windowStart, max(1, config.activeTimeout))
        return windowStart
    }

    /// Emits the record of a long flow and goes on in a new one with the same
    /// orientation, starting at `time`.
    private mutating func cut(at index: Int, time: Int64, emit: (FlowState) -> Void) {
        var record = flows[index]
        record.end = .active
        emit(record)
        stats.flowsEmitted += 1
        flows[index].first = time
        flows[index].last = time
        flows[index].packetsAB = 0; flows[index].packetsBA = 0
        flows[index].bytesAB = 0; flows[index].bytesBA = 0
        flows[index].marks &= ~SegmentMark.openedBySyn
    }

    /// Segments: a flow whose key has not had a flow in this segment yet, created within
    /// its protocol's longest idle timeout of `time` (the segment's first packet), is
    /// marked `SegmentMark.head`: only such a flow can go on one from the segments
    /// before, whose packets all came before `time`. Set once, at that first packet.
    public mutating func markHeads(from time: Int64) {
        headFrom = time
        headUntil = max(headWindowEnd(IPProtocol.tcp), headWindowEnd(IPProtocol.udp), headWindowEnd(0))
    }

    /// Where heads of `ipProtocol` stop being marked.
    private func headWindowEnd(_ ipProtocol: UInt8) -> Int64 {
        Time.after(headFrom, config.longestIdleTimeout(ipProtocol: ipProtocol))
    }

    /// The origin of the active-timeout windows (the input's first packet time); set
    /// before the first packet, else that packet's time is taken.
    public mutating func setActiveOrigin(_ time: Int64) {
        activeOrigin = time
        windowStart = .max
        windowEnd = .min
    }

    /// Moves the table's clock to `time` without a packet (live capture gone quiet):
    /// flows idle past their timeout end, as a later packet would have ended them.
    public mutating func advance(to time: Int64, emit: (FlowState) -> Void) {
        if time > now { now = time }
        if now >= nextSweep {
            if nextSweep != .min { sweep(emit: emit) }
            nextSweep = Time.after(now, config.sweepInterval)
        }
    }

    /// The Ethernet address of a frame of the flow at `index` (from `add`).
    @inlinable
    public mutating func noteMAC(_ mac: UInt64, at index: Int, fromInitiator: Bool) {
        flowsPointer[index].noteMAC(mac, fromInitiator: fromInitiator)
    }

    /// In-place access to a live flow's inspection state (index from `add`).
    @inlinable
    public mutating func withInspection<R>(at index: Int, _ body: (inout InspectionState) -> R) -> R {
        body(&flowsPointer[index].inspection)
    }

    @usableFromInline
    var flowsPointer: UnsafeMutablePointer<FlowState> { flows.baseAddress! }

    /// Ends every live flow (end of input), in the order they began.
    public mutating func flush(emit: (FlowState) -> Void) {
        var order = Array(0 ..< count)
        order.sort { (flows[$0].first, $0) < (flows[$1].first, $1) }
        for k in order {
            var f = flows[k]
            f.end = FlowTable.endAtEndOfInput(f, now: now, config: config)
            emit(f)
        }
        stats.flowsEmitted += count
        flows.baseAddress?.deinitialize(count: count)
        count = 0
        slots.update(repeating: 0)
    }

    /// How a flow live at the end of the input ended: idle (or closed) when its timeout
    /// had passed by the last packet's time, whether or not a sweep came by since.
    public static func endAtEndOfInput(_ f: FlowState, now: Int64, config: FlowTableConfig) -> FlowEnd {
        guard now != .min, Time.between(f.last, now) >= config.idleTimeout(f) else { return .endOfInput }
        return f.isClosed ? .closed : .idle
    }

    /// End of a segment (not of the input): hands over every live flow as it is, in
    /// the order they began, and empties the table.
    public mutating func drainLive(_ body: (FlowState) -> Void) {
        var order = Array(0 ..< count)
        order.sort { (flows[$0].first, $0) < (flows[$1].first, $1) }
        for k in order { body(flows[k]) }
        flows.baseAddress?.deinitialize(count: count)
        count = 0
        slots.update(repeating: 0)
        endedKeys.removeAll()
    }

    private func idleTimeout(_ f: FlowState) -> Int64 { config.idleTimeout(f) }

    /// Ends idle and closed flows (a later packet of theirs would have ended them too).
    private mutating func sweep(emit: (FlowState) -> Void) {
        var k = count - 1
        while k >= 0 {
            let f = flows[k]
            if Time.between(f.last, now) >= idleTimeout(f) {
                flows[k].end = f.isClosed ? .closed : .idle
                remove(at: k, emit: emit)
            }
            k -= 1
        }
        if now >= headUntil, !endedKeys.isEmpty { endedKeys.removeAll() }
    }

    /// The table is full: end the longest-idle flows until a tenth of it is free.
    private mutating func evictForCapacity(emit: (FlowState) -> Void) {
        let target = config.maxFlows - max(1, config.maxFlows / 10)
        var idle = config.tcpIdleTimeout
        while count > target {
            idle /= 2
            var k = count - 1
            while k >= 0, count > target {
                if Time.between(flows[k].last, now) >= idle || idle == 0 {
                    flows[k].end = .evicted
                    remove(at: k, emit: emit)
                    stats.evictedForCapacity += 1
                }
                k -= 1
            }
        }
    }

    /// Emits and removes the flow at slab `index`: its slot is freed by backward-shift
    /// deletion, and the slab's last flow moves into the hole.
    private mutating func remove(at index: Int, emit: (FlowState) -> Void) {
        if now < headUntil, now < headWindowEnd(flows[index].key.ipProtocol) { endedKeys.insert(flows[index].key) }
        emit(flows[index])
        stats.flowsEmitted += 1
        let mask = slots.count - 1
        var hole = slotIndex(of: index)
        var j = (hole + 1) & mask
        while slots[j] != 0 {
            let ideal = Int(Slot.hash(slots[j])) & mask
            // Move the entry back if the hole lies on its probe path (cyclically ideal..j).
            if (j - ideal) & mask >= (j - hole) & mask {
                slots[hole] = slots[j]
                hole = j
            }
            j = (j + 1) & mask
        }
        slots[hole] = 0
        let last = count - 1
        if index != last {
            let lastSlot = slotIndex(of: last)
            flows[index] = flows[last]
            slots[lastSlot] = Slot.make(hash: Slot.hash(slots[lastSlot]), index: index)
        }
        (flows.baseAddress! + last).deinitialize(count: 1)
        count -= 1
    }

    /// The slot that points at slab `index`.
    private func slotIndex(of index: Int) -> Int {
        let mask = slots.count - 1
        var i = Int(Slot.hash(of: flows[index].key)) & mask
        while Slot.index(slots[i]) != index { i = (i + 1) & mask }
        return i
    }

    private mutating func grow() {
        let capacity = min(flows.count * 2, config.maxFlows)
        let newFlows = UnsafeMutableBufferPointer<FlowState>.allocate(capacity: capacity)
        newFlows.baseAddress!.moveInitialize(from: flows.baseAddress!, count: count)
        flows.deallocate()
        flows = newFlows
        let old = slots
        slots = .allocate(capacity: FlowTable.slotCount(for: capacity))
        slots.initialize(repeating: 0)
        let mask = slots.count - 1
        for s in old where s != 0 {
            var i = Int(Slot.hash(s)) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
        old.deallocate()
    }

    /// A slot's word: the key's hash (low 32 bits) in the high half, the flow's slab
    /// index + 1 in the low half (0 is an empty slot).
    enum Slot {
        @inline(__always) static func make(hash: UInt32, index: Int) -> UInt64 {
            UInt64(hash) << 32 | UInt64(UInt32(truncatingIfNeeded: index + 1))
        }
        @inline(__always) static func hash(_ s: UInt64) -> UInt32 { UInt32(truncatingIfNeeded: s >> 32) }
        /// The part of a key's hash a slot keeps (its low bits also place the slot).
        @inline(__always) static func hash(of key: FlowKey) -> UInt32 { UInt32(truncatingIfNeeded: key.hash64) }
        @inline(__always) static func index(_ s: UInt64) -> Int { Int(UInt32(truncatingIfNeeded: s)) - 1 }
    }
}

/// Time arithmetic that saturates: timestamps come from captures, and a corrupt or
/// offset one (pcapng saturates at Int64.max; if_tsoffset may be negative) must not trap.
public enum Time {
    /// `t + duration`, at most Int64.max.
    @inlinable
    public static func after(_ t: Int64, _ duration: Int64) -> Int64 {
        let (r, o) = t.addingReportingOverflow(duration)
        return o ? (duration > 0 ? .max : .min) : r
    }

    /// `later - earlier`, saturating.
    @inlinable
    public static func between(_ earlier: Int64, _ later: Int64) -> Int64 {
        let (r, o) = later.subtractingReportingOverflow(earlier)
        return o ? (later > earlier ? .max : .min) : r
    }
}
