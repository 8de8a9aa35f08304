import WireBytes

/// A two-letter country code packed in 2 bytes.
public struct CountryCode: Hashable, Sendable, CustomStringConvertible {
    public let raw: UInt16

    public init?(_ text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 2 else { return nil }
        let a = u[0] & 0xDF, b = u[1] & 0xDF  // upper-case
        guard a >= 0x41, a <= 0x5A, b >= 0x41, b <= 0x5A else { return nil }
        raw = UInt16(a) << 8 | UInt16(b)
    }

    public var description: String {
        String(decoding: [UInt8(raw >> 8), UInt8(raw & 0xFF)], as: UTF8.self)
    }
}

/// Address ranges to countries, compiled once into sorted columns and looked up by
/// binary search: immutable, shared read-only by every worker, no allocation per lookup.
/// IPv4 ranges are kept apart (32-bit keys) from IPv6 ones (128-bit keys). The columns
/// are memory the table owns, or the pages of a mapped geo cache (`GeoCache`).
public struct RangeTable: @unchecked Sendable {
    var v4Starts = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
    var v4Ends = UnsafeBufferPointer<UInt32>(start: nil, count: 0)
    var v4Codes = UnsafeBufferPointer<UInt16>(start: nil, count: 0)
    var v6Starts = UnsafeBufferPointer<IPAddress>(start: nil, count: 0)
    var v6Ends = UnsafeBufferPointer<IPAddress>(start: nil, count: 0)
    var v6Codes = UnsafeBufferPointer<UInt16>(start: nil, count: 0)
    /// What keeps the columns' memory: an allocation, or the mapped cache file.
    let owner: AnyObject?

    init() { owner = nil }

    /// A table of its own copies of the columns.
    init(v4Starts: [UInt32], v4Ends: [UInt32], v4Codes: [UInt16], v6Starts: [IPAddress], v6Ends: [IPAddress], v6Codes: [UInt16]) {
        let memory = ColumnMemory()
        self.v4Starts = memory.copy(v4Starts)
        self.v4Ends = memory.copy(v4Ends)
        self.v4Codes = memory.copy(v4Codes)
        self.v6Starts = memory.copy(v6Starts)
        self.v6Ends = memory.copy(v6Ends)
        self.v6Codes = memory.copy(v6Codes)
        owner = memory
    }

    /// A table whose columns are views into memory `owner` keeps alive.
    init(owner: AnyObject, v4Starts: UnsafeBufferPointer<UInt32>, v4Ends: UnsafeBufferPointer<UInt32>, v4Codes: UnsafeBufferPointer<UInt16>,
         v6Starts: UnsafeBufferPointer<IPAddress>, v6Ends: UnsafeBufferPointer<IPAddress>, v6Codes: UnsafeBufferPointer<UInt16>) {
        self.owner = owner
        self.v4Starts = v4Starts
        self.v4Ends = v4Ends
        self.v4Codes = v4Codes
        self.v6Starts = v6Starts
        self.v6Ends = v6Ends
        self.v6Codes = v6Codes
    }

    public var count: Int { v4Starts.count + v6Starts.count }

    public func country(for address: IPAddress) -> CountryCode? {
        var a = address
        // IPv4-compatible IPv6 (::a.b.c.d, deprecated but in MaxMind's trees) is IPv4.
        if a.high == 0, a.low >> 32 == 0, a.low > 0xFFFF { a = IPAddress(v4: UInt32(a.low)) }
        if a.isIPv4 {
            let v = a.v4
            var lo = 0, hi = v4Starts.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if v4Starts[mid] <= v { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0, v <= v4Ends[lo - 1] else { return nil }
            return CountryCode(raw: v4Codes[lo - 1])
        }
        var lo = 0, hi = v6Starts.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if v6Starts[mid] <= a { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, a <= v6Ends[lo - 1] else { return nil }
        return CountryCode(raw: v6Codes[lo - 1])
    }
}

/// Memory a compiled table's columns live in, freed with the last table that uses it.
final class ColumnMemory: @unchecked Sendable {
    private var blocks: [UnsafeMutableRawPointer] = []

    func copy<T>(_ a: [T]) -> UnsafeBufferPointer<T> {
        guard !a.isEmpty else { return UnsafeBufferPointer(start: nil, count: 0) }
        let p = UnsafeMutablePointer<T>.allocate(capacity: a.count)
        _ = UnsafeMutableBufferPointer(start: p, count: a.count).initialize(from: a)
        blocks.append(UnsafeMutableRawPointer(p))
        return UnsafeBufferPointer(start: p, count: a.count)
    }

    deinit { for b in blocks { b.deallocate() } }
}

extension CountryCode {
    init(raw: UInt16) { self.raw = raw }
}

/// Collects ranges from any number of sources, then compiles them. Earlier sources
/// win: a range already (partly) covered keeps its country for the covered part.
public struct RangeTableBuilder {
    struct Entry { var start: IPAddress; var end: IPAddress; var code: UInt16; var priority: Int }
    var entries: [Entry] = []
    var priority = 0

    public init() {}

    /// Starts a new source: its ranges lose to every earlier source's.
    public mutating func nextSource() { priority += 1 }

    public mutating func add(start: IPAddress, end: IPAddress, country: CountryCode) {
        guard start <= end, start.isIPv4 == end.isIPv4 else { return }
        entries.append(Entry(start: start, end: end, code: country.raw, priority: priority))
    }

    /// Sorts, resolves overlaps (earlier source, then earlier line, wins) and packs.
    public func build() -> RangeTable {
        // Sweep: process by priority so that higher-priority (earlier) ranges are placed
        // first; later ones only fill gaps. Done per family on sorted disjoint lists.
        var v4Starts: [UInt32] = [], v4Ends: [UInt32] = [], v4Codes: [UInt16] = []
        var v6Starts: [IPAddress] = [], v6Ends: [IPAddress] = [], v6Codes: [UInt16] = []
        for v4 in [true, false] {
            var placed: [(IPAddress, IPAddress, UInt16)] = []   // disjoint, sorted by start
            let family = entries.enumerated().filter { $0.element.start.isIPv4 == v4 }
                .sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }.map(\.element)
            // Fast path: one source and already disjoint is the common case.
            var byPriority: [Int: [Entry]] = [:]
            for e in family { byPriority[e.priority, default: []].append(e) }
            for p in byPriority.keys.sorted() {
                let batch = byPriority[p]!.sorted { $0.start < $1.start }
                if placed.isEmpty {
                    var lastEnd: IPAddress?
                    for e in batch {
                        var s = e.start
                        if let le = lastEnd, s <= le {
                            guard le < e.end else { continue }   // contained: first line wins
                            s = next(le)
                        }
                        placed.append((s, e.end, e.code))
                        lastEnd = e.end
                    }
                    continue
                }
                placed = fillGaps(placed, with: batch)
            }
            placed.sort { $0.0 < $1.0 }
            for (s, e, c) in placed {
                if v4 {
                    v4Starts.append(s.v4); v4Ends.append(e.v4); v4Codes.append(c)
                } else {
                    v6Starts.append(s); v6Ends.append(e); v6Codes.append(c)
                }
            }
        }
        return RangeTable(v4Starts: v4Starts, v4Ends: v4Ends, v4Codes: v4Codes, v6Starts: v6Starts, v6Ends: v6Ends, v6Codes: v6Codes)
    }

    func next(_ a: IPAddress) -> IPAddress {
        a.low == UInt64.max ? IPAddress(high: a.high &+ 1, low: 0) : IPAddress(high: a.high, low: a.low + 1)
    }

    func previous(_ a: IPAddress) -> IPAddress {
        a.low == 0 ? IPAddress(high: a.high &- 1, low: UInt64.max) : IPAddress(high: a.high, low: a.low - 1)
    }

    /// Adds the parts of `batch` that no placed range covers.
    func fillGaps(_ placed: [(IPAddress, IPAddress, UInt16)], with batch: [Entry]) -> [(IPAddress, IPAddress, UInt16)] {
        var out = placed
        var i = 0
        for e in batch {
            var s = e.start
            while i < placed.count, placed[i].1 < s { i += 1 }
            var j = i
            while s <= e.end {
                if j < placed.count, placed[j].0 <= s {
                    if placed[j].1 >= e.end { break }
                    s = next(placed[j].1)
                    j += 1
                    continue
                }
                let gapEnd = j < placed.count && placed[j].0 <= e.end ? previous(placed[j].0) : e.end
                out.append((s, gapEnd, e.code))
                if gapEnd >= e.end { break }
                s = next(gapEnd)
            }
        }
        return out
    }
}
