import Verdicts
import WireBytes

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
    typealias NamesByHash = [UInt64: [(name: String, entries: [Int])]]

    public let entries: [RegistryEntry]
    /// One table per prefix length, longest first.
    private let prefixTables: [(length: UInt8, table: [IPAddress: [Int]])]
    /// Exact names, and wildcard suffixes (`*.` dropped), by `Registry.nameHash` of
    /// their bytes: a flow's name and its suffixes are looked up in place, without a
    /// `String` for each suffix (an allocation per flow).
    private let exactNames: NamesByHash
    private let wildcardNames: NamesByHash
    /// `wildcardSuffixLengths[n]`: some wildcard suffix is n bytes long (only those
    /// suffixes of a name are looked up).
    private let wildcardSuffixLengths: [Bool]

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
        exactNames = Registry.byNameHash(exact)
        wildcardNames = Registry.byNameHash(wild)
        var lengths = [Bool](repeating: false, count: (wild.keys.map(\.utf8.count).max() ?? -1) + 1)
        for k in wild.keys { lengths[k.utf8.count] = true }
        wildcardSuffixLengths = lengths
    }

    /// Entries that name `server` by address: the longest matching prefix only.
    public func entries(for server: IPAddress) -> [Int] {
        for (length, table) in prefixTables {
            if let hit = table[AddressPrefix.mask(server, length)] { return hit }
        }
        return []
    }

    /// Entries that name `hostname`: exact names, else the longest wildcard suffix.
    /// Called for every cross-border flow with a name, so a name that is already
    /// lower-case ASCII without a final dot (what the detectors give) is used as it is,
    /// its bytes read in place, and only suffixes as long as some wildcard are looked up.
    public func entries(forHostname hostname: String) -> [Int] {
        if exactNames.isEmpty && wildcardNames.isEmpty { return [] }
        var name = Registry.needsFolding(hostname) ? Registry.folded(hostname) : hostname
        if let hit = name.utf8.withContiguousStorageIfAvailable({ entries(forNameBytes: $0) }) { return hit }
        name.makeContiguousUTF8()
        return name.utf8.withContiguousStorageIfAvailable { entries(forNameBytes: $0) } ?? []
    }

    /// Registry names are ASCII (the loader checks) and `name` is folded: bytes compare
    /// as the strings do.
    private func entries(forNameBytes name: UnsafeBufferPointer<UInt8>) -> [Int] {
        if let hit = Registry.lookUp(name, in: exactNames) { return hit }
        if wildcardNames.isEmpty { return [] }
        var i = 0
        while i < name.count {
            defer { i += 1 }
            guard name[i] == 0x2E else { continue }
            let length = name.count - i - 1
            guard length < wildcardSuffixLengths.count, wildcardSuffixLengths[length] else { continue }
            if let hit = Registry.lookUp(UnsafeBufferPointer(rebasing: name[(i + 1)...]), in: wildcardNames) { return hit }
        }
        return []
    }

    private static func lookUp(_ name: UnsafeBufferPointer<UInt8>, in table: NamesByHash) -> [Int]? {
        table[nameHash(name)]?.first { $0.name.utf8.elementsEqual(name) }?.entries
    }

    private static func byNameHash(_ names: [String: [Int]]) -> NamesByHash {
        var table: NamesByHash = [:]
        for (name, list) in names.sorted(by: { $0.key < $1.key }) {
            table[nameHash(name.utf8), default: []].append((name, list))
        }
        return table
    }

    /// FNV-1a over a name's bytes (the name tables' key).
    static func nameHash(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }

    /// Upper case, anything outside ASCII (which may fold to ASCII), or a final dot.
    static func needsFolding(_ name: String) -> Bool {
        let fast = name.utf8.withContiguousStorageIfAvailable { bytes in
            for b in bytes where (b >= 0x41 && b <= 0x5A) || b >= 0x80 { return true }
            return bytes.last == 0x2E
        }
        return fast ?? true
    }

    static func folded(_ name: String) -> String {
        var lower = name.lowercased()
        if lower.hasSuffix(".") { lower.removeLast() }
        return lower
    }

    /// The registry status (docs/contract.md) of a cross-border flow: matched by its server
    /// address or its hostname, the entry's validity window against the flow's time,
    /// its purposes against the flow's category.
    public func match(server: IPAddress, hostname: String?, time: Int64, category: PayloadCategory) -> RegistryMatch {
        // Address matches first, then name matches (the first of equals wins); not
        // joined into one array, which would allocate per flow.
        let byAddress = entries(for: server)
        let byName = hostname.map { entries(forHostname: $0) } ?? []
        guard !byAddress.isEmpty || !byName.isEmpty else { return RegistryMatch(status: .unregistered, entryIndex: nil) }
        let day = Day(nanoseconds: time)
        var best = RegistryMatch(status: .unregistered, entryIndex: nil)
        func consider(_ i: Int) {
            // A flow whose payload said nothing (category unknown) is no evidence of a
            // purpose: only a known category can mismatch. (The entry's fields are read
            // where they are: a copy of the entry retained and released each of its strings.)
            let status: RegistryStatus = !entries[i].isValid(on: day) ? .expired
                : (category == .unknown || entries[i].purposes.contains(category) ? .registered : .purposeMismatch)
            if best.entryIndex == nil || status < best.status { best = RegistryMatch(status: status, entryIndex: i) }
        }
        for i in byAddress { consider(i) }
        for i in byName { consider(i) }
        return best
    }
}
