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
    /// A flow older than this is emitted and goes on in a new record (like NetFlow's active timeout).
    public var activeTimeout: Int64 = 1800 * 1_000_000_000
    /// Live flows at most; past it the longest-idle flows are evicted early (and counted).
    public var maxFlows: Int = 1 << 20
    /// How often (capture time) the table looks for flows to end.
    public var sweepInterval: Int64 = 1_000_000_000

    public init() {}
}

public struct FlowTableStats: Sendable, Equatable {
    public var flowsCreated = 0
    public var flowsEmitted = 0
    /// Flows ended early because the table was full.
    public var evictedForCapacity = 0
    public var peakLiveFlows = 0
    public init() {}
}

/// Bidirectional flows keyed by `FlowKey`, in an open-addressing hash table with
/// linear probing over one slab of `FlowState`s. Memory grows by doubling up to
/// `maxFlows` and is then flat; no allocation per packet. Flows are handed to the
/// caller as they end.
public struct FlowTable: ~Copyable {
    public let config: FlowTableConfig
    public private(set) var stats = FlowTableStats()
    /// 0 = empty; otherwise index + 1 into `flows`.
    private var slots: UnsafeMutableBufferPointer<UInt32>
    private var flows: UnsafeMutableBufferPointer<FlowState>
    public private(set) var count = 0
    private var now: Int64 = .min
    private var nextSweep: Int64 = .min

    public init(config: FlowTableConfig = FlowTableConfig(), initialCapacity: Int = 1024) {
        self.config = config
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
    public static var bytesPerFlow: Int { MemoryLayout<FlowState>.stride + 2 * MemoryLayout<UInt32>.stride }

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
        let h = key.hash64
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[i]
            if s == 0 { break }
            let index = Int(s) - 1
            if flows[index].key == key {
                // A new connection on a finished 5-tuple starts a new record.
                if p.ipProtocol == IPProtocol.tcp, p.tcpFlags & (TCPFlag.syn | TCPFlag.ack) == TCPFlag.syn,
                   flows[index].isClosed {
                    flows[index].end = .closed
                    remove(at: index, emit: emit)
                    return add(p, emit: emit)
                }
                flows[index].add(p, fromA: fromA)
                return (index, flows[index].fromInitiator(fromA))
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
        state.add(p, fromA: fromA)
        (flows.baseAddress! + count).initialize(to: state)
        slots[i] = UInt32(count + 1)
        count += 1
        stats.flowsCreated += 1
        if count > stats.peakLiveFlows { stats.peakLiveFlows = count }
        return (count - 1, true)
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
            f.end = .endOfInput
            emit(f)
        }
        stats.flowsEmitted += count
        flows.baseAddress?.deinitialize(count: count)
        count = 0
        slots.update(repeating: 0)
    }

    private func idleTimeout(_ f: FlowState) -> Int64 {
        switch f.key.ipProtocol {
        case IPProtocol.tcp: return f.isClosed ? config.closedLinger : config.tcpIdleTimeout
        case IPProtocol.udp: return config.udpIdleTimeout
        default: return config.otherIdleTimeout
        }
    }

    /// Ends idle and closed flows; cuts flows past the active timeout.
    private mutating func sweep(emit: (FlowState) -> Void) {
        var k = count - 1
        while k >= 0 {
            let f = flows[k]
            if Time.between(f.last, now) >= idleTimeout(f) {
                flows[k].end = f.isClosed ? .closed : .idle
                remove(at: k, emit: emit)
            } else if Time.between(f.first, now) >= config.activeTimeout {
                var cut = f
                cut.end = .active
                emit(cut)
                stats.flowsEmitted += 1
                // Goes on as a new record with the same orientation.
                flows[k].first = f.last
                flows[k].packetsAB = 0; flows[k].packetsBA = 0
                flows[k].bytesAB = 0; flows[k].bytesBA = 0
            }
            k -= 1
        }
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
        emit(flows[index])
        stats.flowsEmitted += 1
        let mask = slots.count - 1
        var hole = slotIndex(of: index)
        var j = (hole + 1) & mask
        while slots[j] != 0 {
            let ideal = Int(truncatingIfNeeded: flows[Int(slots[j]) - 1].key.hash64) & mask
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
            slots[lastSlot] = UInt32(index + 1)
        }
        (flows.baseAddress! + last).deinitialize(count: 1)
        count -= 1
    }

    /// The slot that points at slab `index`.
    private func slotIndex(of index: Int) -> Int {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: flows[index].key.hash64) & mask
        while Int(slots[i]) != index + 1 { i = (i + 1) & mask }
        return i
    }

    private mutating func grow() {
        let capacity = min(flows.count * 2, config.maxFlows)
        let newFlows = UnsafeMutableBufferPointer<FlowState>.allocate(capacity: capacity)
        newFlows.baseAddress!.moveInitialize(from: flows.baseAddress!, count: count)
        flows.deallocate()
        flows = newFlows
        slots.deallocate()
        slots = .allocate(capacity: FlowTable.slotCount(for: capacity))
        slots.initialize(repeating: 0)
        let mask = slots.count - 1
        for k in 0 ..< count {
            var i = Int(truncatingIfNeeded: flows[k].key.hash64) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = UInt32(k + 1)
        }
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
