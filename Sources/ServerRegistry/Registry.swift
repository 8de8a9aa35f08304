import WireBytes

/// How a flow's server stands against the registry (the contract's `registry` field).
public enum RegistryStatus: String, Sendable, Comparable {
    case registered
    case purposeMismatch = "purpose-mismatch"
    case expired
    case unregistered
    case notApplicable = "not-applicable"

    /// Better matches first: a valid entry for the purpose beats a wrong-purpose one,
    /// which beats an expired one.
    var rank: Int {
        switch self {
        case .registered: return 0
        case .purposeMismatch: return 1
        case .expired: return 2
        case .unregistered: return 3
        case .notApplicable: return 4
        }
    }

    public static func < (a: RegistryStatus, b: RegistryStatus) -> Bool { a.rank < b.rank }
}

public struct RegistryMatch: Sendable, Equatable {
    public var status: RegistryStatus
    /// The entry that decided the status (nil when unregistered).
    public var entryIndex: Int?

    public init(status: RegistryStatus, entryIndex: Int?) {
        self.status = status
        self.entryIndex = entryIndex
    }
}

/// The approved overseas servers, indexed for matching by address (longest prefix
/// first) and hostname (exact, then the longest `*.` wildcard). Immutable once built.
public struct Registry: Sendable {
    public let entries: [RegistryEntry]
    /// One table per prefix length, longest first.
    private let prefixTables: [(length: UInt8, table: [IPAddress: [Int]])]
    private let exactNames: [String: [Int]]
    private let wildcardNames: [String: [Int]]

    public init(entries: [RegistryEntry]) {
        self.entries = entries
        var byLength: [UInt8: [IPAddress: [Int]]] = [:]
        var exact: [String: [Int]] = [:]
        var wild: [String: [Int]] = [:]
        for (i, e) in entries.enumerated() {
            for p in e.addresses { byLength[p.length, default: [:]][p.network, default: []].append(i) }
            for h in e.hostnames {
                if h.wildcard { wild[h.suffix, default: []].append(i) } else { exact[h.suffix, default: []].append(i) }
            }
        }
        prefixTables = byLength.sorted { $0.key > $1.key }.map { ($0.key, $0.value) }
        exactNames = exact
        wildcardNames = wild
    }

    /// Entries that name `server` by address: the longest matching prefix only.
    public func entries(for server: IPAddress) -> [Int] {
        for (length, table) in prefixTables {
            if let hit = table[AddressPrefix.mask(server, length)] { return hit }
        }
        return []
    }

    /// Entries that name `hostname`: exact names, else the longest wildcard suffix.
    public func entries(forHostname hostname: String) -> [Int] {
        var name = hostname.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        if let hit = exactNames[name] { return hit }
        var rest = Substring(name)
        while let dot = rest.firstIndex(of: ".") {
            rest = rest[rest.index(after: dot)...]
            if let hit = wildcardNames[String(rest)] { return hit }
        }
        return []
    }

    /// The contract's registry status of a cross-border flow: matched by its server
    /// address or its hostname, the entry's validity window against the flow's time,
    /// its purposes against the flow's category.
    public func match(server: IPAddress, hostname: String?, time: Int64, category: String) -> RegistryMatch {
        var candidates = entries(for: server)
        if let hostname { candidates += entries(forHostname: hostname) }
        guard !candidates.isEmpty else { return RegistryMatch(status: .unregistered, entryIndex: nil) }
        let day = Day(nanoseconds: time)
        var best = RegistryMatch(status: .unregistered, entryIndex: nil)
        for i in candidates {
            let e = entries[i]
            // A flow whose payload said nothing (category unknown) is no evidence of a
            // purpose: only a known category can mismatch.
            let status: RegistryStatus = !e.isValid(on: day) ? .expired
                : (e.purposes.contains(category) || category == "unknown" ? .registered : .purposeMismatch)
            if best.entryIndex == nil || status < best.status { best = RegistryMatch(status: status, entryIndex: i) }
        }
        return best
    }
}
