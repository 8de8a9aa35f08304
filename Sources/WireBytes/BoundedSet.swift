/// A set that holds at most `limit` members, for names and addresses that hostile
/// traffic can multiply without end (the devices of one finding, the names of one
/// server). Which members stay does not depend on the order they came in: the
/// `limit` smallest are kept, so results merged in any order agree. `isTruncated`
/// says that more distinct members were offered than are kept.
public struct BoundedSet<Element: Hashable & Comparable & Sendable>: Sendable, Equatable {
    public let limit: Int
    /// Up to twice `limit` members between trims, so that trimming (a sort) is rare.
    private var members: Set<Element> = []
    /// After a trim, members above this can never be among the smallest `limit`.
    private var ceiling: Element?
    private var trimmed = false

    public init(limit: Int) {
        precondition(limit > 0)
        self.limit = limit
    }

    public init<S: Sequence>(_ elements: S, limit: Int, truncated: Bool = false) where S.Element == Element {
        self.init(limit: limit)
        for x in elements { insert(x) }
        if truncated { trimmed = true }
    }

    /// Inserts `x`, without hashing it when it is already the only member: aggregates
    /// mostly meet the same name or device flow after flow.
    @inlinable
    public mutating func insert(_ x: Element) {
        if count == 1, first == x { return }
        insertSlow(x)
    }

    @usableFromInline
    var first: Element? { members.first }

    @usableFromInline
    mutating func insertSlow(_ x: Element) {
        if let ceiling, x > ceiling {
            trimmed = true
            return
        }
        members.insert(x)
        if members.count > 2 * limit { trim() }
    }

    public mutating func formUnion(_ other: BoundedSet) {
        for x in other.members { insertSlow(x) }
        if other.isTruncated { trimmed = true }
    }

    private mutating func trim() {
        let kept = members.sorted().prefix(limit)
        members = Set(kept)
        ceiling = kept.last
        trimmed = true
    }

    /// Members kept, at most `limit`.
    public var count: Int { Swift.min(members.count, limit) }
    public var isEmpty: Bool { members.isEmpty }
    /// More distinct members were offered than `sorted()` holds.
    public var isTruncated: Bool { trimmed || members.count > limit }

    /// The kept members in ascending order: the smallest `limit` of all offered.
    public func sorted() -> [Element] { Array(members.sorted().prefix(limit)) }

    public static func == (a: BoundedSet, b: BoundedSet) -> Bool {
        a.isTruncated == b.isTruncated && a.sorted() == b.sorted()
    }
}
