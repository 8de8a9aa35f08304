import Packets
import WireBytes

/// Bounds on IP fragment reassembly: named, in one place, and counted when reached.
public enum FragmentLimits {
    /// Datagrams being reassembled at once; past it the oldest is dropped (counted).
    public static let maxPending = 4096
    /// Largest reassembled IP payload (the IPv4 maximum; IPv6 jumbograms are not fragmented).
    public static let maxDatagram = 65_535
    /// A datagram not complete within this time (capture time) is given up (counted).
    public static let timeout: Int64 = 30 * 1_000_000_000
}

public struct FragmentStats: Sendable, Equatable {
    public var fragments = 0
    public var reassembled = 0
    /// Datagrams whose fragments never all arrived (timed out, evicted, or input ended).
    public var incomplete = 0
    /// Fragments that overlapped data already received (the first copy is kept).
    public var overlaps = 0
    /// Fragments past the size bound or with an impossible offset.
    public var oversized = 0
    public init() {}

    public mutating func add(_ o: FragmentStats) {
        fragments += o.fragments
        reassembled += o.reassembled
        incomplete += o.incomplete
        overlaps += o.overlaps
        oversized += o.oversized
    }
}

/// IPv4 and IPv6 fragment reassembly, bounded in memory and time, so a fragmented
/// datagram reaches the flow table once, with its ports, and its payload reaches
/// inspection. Buffers are reused across datagrams.
public struct FragmentReassembler {
    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var identification: UInt32
        var proto: UInt8
    }

    struct Pending {
        var firstSeen: Int64
        var buffer: [UInt8]
        /// Received byte ranges, kept sorted and merged.
        var ranges: [Range<Int>] = []
        /// Known once the last fragment (MF clear) arrived.
        var total: Int?
        /// IP bytes of all fragments (what the flow counts for the datagram).
        var ipBytes = 0
    }

    public private(set) var stats = FragmentStats()
    private var pending: [Key: Pending] = [:]
    private var spare: [[UInt8]] = []
    private var oldestCheck: Int64 = .min

    public init() {}

    public var pendingCount: Int { pending.count }

    /// Adds a fragment. When it completes its datagram, calls `complete` with the
    /// reassembled IP payload (transport header first) and the datagram's IP bytes.
    public mutating func add(_ p: DecodedPacket, frame: UnsafeRawBufferPointer, time: Int64,
                             complete: (UnsafeRawBufferPointer, Int) -> Void) {
        stats.fragments += 1
        expire(now: time)
        let range = PacketDecoder.ipPayloadRange(of: p, frameCount: frame.count)
        let offset = p.fragment.offset
        let length = range.count
        guard offset + length <= FragmentLimits.maxDatagram else {
            stats.oversized += 1
            return
        }
        let key = Key(source: p.source, destination: p.destination, identification: p.fragment.identification, proto: p.ipProtocol)
        if pending[key] == nil {
            if pending.count >= FragmentLimits.maxPending { evictOldest() }
            var buffer = spare.popLast() ?? []
            buffer.removeAll(keepingCapacity: true)
            pending[key] = Pending(firstSeen: time, buffer: buffer)
        }
        pending[key]!.ipBytes += p.ipLength
        // Take the datagram out to mutate it without copying its buffer.
        var d = pending.removeValue(forKey: key)!
        do {
            if d.buffer.count < offset + length { d.buffer.append(contentsOf: repeatElement(0, count: offset + length - d.buffer.count)) }
            // Copy only the parts not already received (first copy wins on overlap).
            var overlapped = false
            var cursor = offset
            let end = offset + length
            var i = 0
            while cursor < end {
                while i < d.ranges.count, d.ranges[i].upperBound <= cursor { i += 1 }
                let gapEnd = i < d.ranges.count ? min(end, max(cursor, d.ranges[i].lowerBound)) : end
                if gapEnd > cursor {
                    d.buffer.withUnsafeMutableBytes { dst in
                        dst.baseAddress!.advanced(by: cursor).copyMemory(
                            from: frame.baseAddress!.advanced(by: range.lowerBound + (cursor - offset)), byteCount: gapEnd - cursor)
                    }
                    cursor = gapEnd
                } else {
                    overlapped = true
                    cursor = min(end, d.ranges[i].upperBound)
                }
            }
            if overlapped { stats.overlaps += 1 }
            insert(offset ..< end, into: &d.ranges)
            if !p.fragment.moreFragments { d.total = end }
            if let total = d.total, d.ranges.count == 1, d.ranges[0] == 0 ..< total {
                d.buffer.withUnsafeBytes { b in complete(UnsafeRawBufferPointer(rebasing: b[0 ..< total]), d.ipBytes) }
                stats.reassembled += 1
                spare.append(d.buffer)
            } else {
                pending[key] = d
            }
        }
    }

    private func insert(_ r: Range<Int>, into ranges: inout [Range<Int>]) {
        guard !r.isEmpty else { return }
        var merged = r
        var out: [Range<Int>] = []
        var placed = false
        for x in ranges {
            if x.upperBound < merged.lowerBound { out.append(x) }
            else if merged.upperBound < x.lowerBound {
                if !placed { out.append(merged); placed = true }
                out.append(x)
            } else {
                merged = min(x.lowerBound, merged.lowerBound) ..< max(x.upperBound, merged.upperBound)
            }
        }
        if !placed { out.append(merged) }
        ranges = out
    }

    /// Gives up datagrams older than the timeout (checked once a second of capture time).
    private mutating func expire(now: Int64) {
        guard now >= oldestCheck else { return }
        oldestCheck = Time.after(now, 1_000_000_000)
        for (k, d) in pending where Time.between(d.firstSeen, now) >= FragmentLimits.timeout {
            pending[k] = nil
            stats.incomplete += 1
            spare.append(d.buffer)
        }
    }

    private mutating func evictOldest() {
        guard let oldest = pending.min(by: { $0.value.firstSeen < $1.value.firstSeen }) else { return }
        pending[oldest.key] = nil
        stats.incomplete += 1
    }

    /// End of input: whatever is still pending never completed.
    public mutating func finish() {
        stats.incomplete += pending.count
        pending.removeAll()
    }
}
