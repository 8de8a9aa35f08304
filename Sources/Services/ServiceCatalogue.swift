/// The services catalogue, indexed for matching flows by name: the shipped entries,
/// then those of users' files (an entry with the id of an earlier one replaces it).
/// Immutable once built; matching reads the name in place.
public struct ServiceCatalogue: Sendable {
    public let services: [Service]
    /// Pattern references by the pattern's fixed right-hand labels (`amazonaws.com`).
    private let byTail: [Substring: [Reference]]
    /// `tailLengths[n]`: some fixed tail is n bytes long (only those suffixes are looked up).
    private let tailLengths: [Bool]

    struct Reference: Sendable {
        var service: Int
        var pattern: Int
    }

    /// What matched: the service and the pattern that named it.
    public struct Match: Sendable, Equatable {
        public var service: Service
        public var pattern: ServiceHostPattern
    }

    public static let empty = ServiceCatalogue([])

    /// Later entries with the id of an earlier one replace it, in its place.
    public init(_ entries: [Service]) {
        var list: [Service] = []
        var position: [String: Int] = [:]
        for e in entries {
            if let i = position[e.id] { list[i] = e } else { position[e.id] = list.count; list.append(e) }
        }
        services = list
        var index: [Substring: [Reference]] = [:]
        var lengths: [Bool] = []
        for (s, service) in list.enumerated() {
            for (p, pattern) in service.hosts.enumerated() {
                index[Substring(pattern.fixedTail), default: []].append(Reference(service: s, pattern: p))
                let n = pattern.fixedTail.utf8.count
                if lengths.count <= n { lengths += Array(repeating: false, count: n + 1 - lengths.count) }
                lengths[n] = true
            }
        }
        byTail = index
        tailLengths = lengths
    }

    public var isEmpty: Bool { services.isEmpty }

    /// The service `hostname` names on `port`: of every matching pattern, the one with the
    /// most fixed labels, then the earliest entry. Nil when none matches.
    public func match(hostname: String, port: UInt16) -> Match? {
        if byTail.isEmpty { return nil }
        var best: (Reference, Int)?
        let utf8 = hostname.utf8
        var start = utf8.startIndex, remaining = utf8.count
        // The name itself, then each suffix after a dot: a `Substring` key, no copy.
        while remaining > 0 {
            if remaining < tailLengths.count, tailLengths[remaining], let refs = byTail[Substring(utf8[start...])] {
                for r in refs {
                    let service = services[r.service], pattern = service.hosts[r.pattern]
                    guard service.ports.isEmpty || service.ports.contains(port), pattern.matches(hostname) else { continue }
                    let score = pattern.fixedLabels
                    if let (b, s) = best, s > score || (s == score && b.service <= r.service) { continue }
                    best = (r, score)
                }
            }
            guard let dot = utf8[start...].firstIndex(of: 0x2E) else { break }
            start = utf8.index(after: dot)
            remaining = utf8.distance(from: start, to: utf8.endIndex)
        }
        guard let (r, _) = best else { return nil }
        return Match(service: services[r.service], pattern: services[r.service].hosts[r.pattern])
    }

}
