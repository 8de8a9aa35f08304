import Policy

/// Rolling reports: which findings are new, or changed (more flows, bytes, devices,
/// hostnames ...), since the last time they were looked at.
public struct FindingChanges: Sendable {
    public enum Change: String, Sendable { case new, changed }

    private var seen: [FindingAggregator.FindingKey: Finding] = [:]

    public init() {}

    /// The findings that differ from the last call's, in the report's order; remembers them.
    public mutating func take(_ current: FindingAggregator) -> [(change: Change, finding: Finding)] {
        var out: [(Change, Finding)] = []
        for f in current.sorted {
            let key = FindingAggregator.FindingKey(rule: f.rule, server: f.server)
            if let before = seen[key] {
                if before != f { out.append((.changed, f)) }
            } else {
                out.append((.new, f))
            }
            seen[key] = f
        }
        return out
    }
}
