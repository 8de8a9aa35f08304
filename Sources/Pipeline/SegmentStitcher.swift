import Flows
import Inspection
import WireBytes

/// A flow a segment's pipeline hands on to the stitcher, with names as strings (each
/// segment's name tables stay behind with it).
public struct SegmentFlow: Sendable {
    /// Inspection's name id and reassembly slot are cleared.
    public var state: FlowState
    /// The flow's own name (SNI, Host).
    public var ownName: String?
    /// What the segment's own DNS answers named the server when the flow ended; nil:
    /// ask the answers of the segments before.
    public var dnsName: String?
}

/// What one segment of a split capture leaves for the stitcher.
public struct SegmentHandover: Sendable {
    /// Ended flows that are not final yet, in the order they ended: heads (they may go
    /// on a flow from before) and flows only earlier DNS answers may name.
    public var ended: [SegmentFlow] = []
    /// Flows still live at the segment's end.
    public var live: [SegmentFlow] = []
    /// The segment's DNS answers: the latest name per address.
    public var names: [IPAddress: String] = [:]
    /// The table's clock at the end (latest packet time), `.min` with no packet.
    public var clock: Int64 = .min

    public init() {}

    /// Flows it holds, ended and live.
    public var flowCount: Int { ended.count + live.count }
}

/// A final flow: its state and the hostname its record gets.
public struct FinishedFlow: Sendable {
    public var state: FlowState
    public var hostname: String?
}

/// Joins the segments of one capture, in order, into the flows one table reading the
/// whole capture makes. Each segment is read with a fresh table; a conversation live
/// at a segment's end and seen again early in the next is joined (counters, times,
/// flags, orientation, inspection); flows named only by DNS answers of earlier
/// segments get their names here. Where it is not exact is listed in the README
/// ("Large captures are read in segments").
public struct SegmentStitcher: Sendable {
    let config: FlowTableConfig
    let activeOrigin: Int64
    /// Flows live after the segments stitched so far: at most `config.maxFlows`, as in
    /// one table reading the whole capture.
    var carried = CarriedFlows()
    /// DNS answers of the segments stitched so far (at most `config.dnsNames` addresses).
    var names: [IPAddress: String] = [:]
    /// The latest packet time so far.
    var clock: Int64 = .min
    /// What the stitching did that the input's report counts.
    public private(set) var counts = StitchCounts()

    /// Flows carried to the next segment.
    public var carriedCount: Int { carried.count }

    public init(config: FlowTableConfig, activeOrigin: Int64) {
        self.config = config
        self.activeOrigin = activeOrigin
    }

    /// Takes the next segment's handover; the flows that are now final go to `emit`, in
    /// order (as they come: a segment at the flow limit evicts a table's worth at once).
    public mutating func stitch(_ handover: consuming SegmentHandover, emit: (FinishedFlow) -> Void) {
        var h = consume handover
        // Per conversation joined here: the record its later records (after
        // active-timeout cuts) go on from.
        var chains: [FlowKey: SegmentFlow] = [:]

        /// The flow `x` becomes: joined to or handed on from the flow carried (or
        /// chained) for its key, or `x` as it is. A carried flow that does not go on,
        /// or is cut at an active-timeout mark, is emitted here.
        func take(_ x: SegmentFlow) -> SegmentFlow {
            guard x.state.isSegmentHead else { return x }
            let key = x.state.key
            var y = x
            var link: SegmentFlow?
            if !chains.isEmpty, let previous = chains[key] {
                y = handOn(previous, x)
                link = y
            } else if !carried.isEmpty, let f = carried.removeValue(forKey: key) {
                if f.state.goesOn(with: x.state, config: config) {
                    counts.joins += 1
                    if window(f.state.first) == window(x.state.first) {
                        y = join(f, x)
                    } else {
                        var cut = f
                        cut.state.end = .active
                        emit(finished(cut, dnsName: nil))
                        y = handOn(f, x)
                    }
                    link = y
                } else {
                    emit(finished(ending(f), dnsName: nil))
                }
            }
            // Only joined conversations need remembering: a later record of a key that
            // stood alone is as exact as it is (and finds nothing carried either).
            if let link { chains[key] = link }
            y.state.marks &= ~SegmentMark.head
            return y
        }

        for x in h.ended { emit(finished(take(x))) }
        for i in h.live.indices { h.live[i] = take(h.live[i]) }
        // Flows from before with no packet here: ended if the segment's clock passed
        // their idle timeout (a sweep would have ended them), else carried on.
        var expired: [SegmentFlow] = []
        if h.clock != .min {
            let clock = h.clock, config = config
            expired = carried.removeAll { Time.between($0.state.last, clock) >= config.idleTimeout($0.state) }
            for k in expired.indices { expired[k] = ending(expired[k]) }
        }
        evict(toMakeRoomFor: h.live.count, emit: emit)
        carried.reserve(carried.count + h.live.count)
        for y in h.live {
            // A flow of the same key still carried had no packet since its timeout.
            if let old = carried.insert(y) { expired.append(ending(old)) }
        }
        h.live = []
        for k in SegmentStitcher.orderBegun(expired) { emit(finished(expired[k], dnsName: nil)) }
        if h.clock > clock { clock = h.clock }
        learn(h.names)
    }

    /// End of the input: every flow still live ends, in the order they began.
    public mutating func finish(emit: (FinishedFlow) -> Void) {
        let live = carried.takeAll()
        for k in SegmentStitcher.orderBegun(live) {
            var e = live[k]
            e.state.end = FlowTable.endAtEndOfInput(e.state, now: clock, config: config)
            emit(finished(e, dnsName: nil))
        }
    }

    /// Keeps the carried flows within `config.maxFlows` once `arriving` more join them:
    /// the flows idle longest (earliest last packet; ties by key hash, then position)
    /// end as `.evicted`, as the table evicts its longest-idle flows when full. Only
    /// flows from before are candidates: the arriving ones had packets in the segment
    /// just read, and are never more than a table holds.
    private mutating func evict(toMakeRoomFor arriving: Int, emit: (FinishedFlow) -> Void) {
        let excess = min(carried.count, carried.count + arriving - config.maxFlows)
        guard excess > 0 else { return }
        var rank = carried.flows.indices.map { (last: carried[$0].state.last, hash: carried[$0].state.key.hash64, at: $0) }
        rank.sort { ($0.last, $0.hash, $0.at) < ($1.last, $1.hash, $1.at) }
        let evicted = rank.prefix(excess).map(\.at)
        rank = []
        for position in evicted {
            var e = carried[position]
            e.state.end = .evicted
            emit(finished(e, dnsName: nil))
        }
        carried.remove(positions: evicted)
        counts.evicted += excess
    }

    /// Positions of `flows` in the order they began (ties by key hash, then position):
    /// small keys are sorted, not the flows themselves (moving each ~170-byte flow
    /// through a sort was a visible cost).
    static func orderBegun(_ flows: [SegmentFlow]) -> [Int] {
        var keys = flows.indices.map { (first: flows[$0].state.first, hash: flows[$0].state.key.hash64, at: $0) }
        keys.sort { ($0.first, $0.hash, $0.at) < ($1.first, $1.hash, $1.at) }
        return keys.map(\.at)
    }

    private func window(_ time: Int64) -> Int64 {
        FlowTable.activeWindowStart(time, origin: activeOrigin, length: config.activeTimeout)
    }

    private func ending(_ f: SegmentFlow) -> SegmentFlow {
        var e = f
        e.state.end = f.state.isClosed ? .closed : .idle
        return e
    }

    private func names(_ before: SegmentFlow, _ after: SegmentFlow) -> String? {
        let laterName = InspectionState.continued(before.state.inspection, by: after.state.inspection).laterName
        return before.ownName ?? (laterName ? after.ownName : nil)
    }

    private func handOn(_ before: SegmentFlow, _ after: SegmentFlow) -> SegmentFlow {
        SegmentFlow(state: before.state.handedOn(to: after.state), ownName: names(before, after), dnsName: after.dnsName)
    }

    private func join(_ before: SegmentFlow, _ after: SegmentFlow) -> SegmentFlow {
        SegmentFlow(state: before.state.joined(with: after.state), ownName: names(before, after), dnsName: after.dnsName)
    }

    private func finished(_ f: SegmentFlow) -> FinishedFlow { finished(f, dnsName: f.dnsName) }

    private func finished(_ f: SegmentFlow, dnsName: String?) -> FinishedFlow {
        let name = f.ownName ?? dnsName ?? (names.isEmpty ? nil : names[f.state.server])
        return FinishedFlow(state: f.state, hostname: name)
    }

    /// Adds a segment's DNS answers (later answers win), within the same bound as
    /// one input's map; past it, new addresses are taken in address order, and those
    /// that find the map full are counted.
    private mutating func learn(_ new: [IPAddress: String]) {
        if names.count + new.count <= config.dnsNames {
            names.merge(new) { _, later in later }
            return
        }
        for a in new.keys.sorted() {
            if names[a] != nil || names.count < config.dnsNames {
                names[a] = new[a]
            } else {
                counts.dnsNamesDropped += 1
            }
        }
    }
}

/// What a stitcher did to an input's flows, for its report.
public struct StitchCounts: Sendable, Equatable {
    /// Conversations joined across a boundary (one flow, not two).
    public var joins = 0
    /// Flows ended early: more were live across a boundary than `FlowTableConfig.maxFlows`.
    public var evicted = 0
    /// DNS answers of later segments not kept: the input's name map was full.
    public var dnsNamesDropped = 0
}

extension FinishedFlow {
    public func record(input: Int) -> FlowRecord {
        PacketPipeline.record(state, inspection: state.inspection, hostname: hostname, input: input)
    }
}

/// How a large capture is cut into segments: at the first record (or pcapng block) at
/// or past every multiple of `segmentBytes` of the capture stream (decompressed
/// stream for compressed input). Where the cuts fall depends on the file alone, never
/// on the number of workers, so every `--jobs` reads the same segments and gives the
/// same report; workers read the segments of an uncompressed file in parallel.
public enum CaptureSegments {
    public static let segmentBytes = 64 << 20
}
