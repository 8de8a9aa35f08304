/// How a flow's server stands against the registry (the `registry` field of
/// docs/contract.md). Ordered from least to most serious: the one ranking used to pick
/// a flow's best registry match (the least serious of its entries' statuses) and to
/// show a server's or a conversation's worst status over many flows.
public enum RegistryStatus: String, Sendable, CaseIterable, Comparable, NamedVerdict {
    public init(from decoder: any Decoder) throws { self = try Self.decodeName(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeName(to: encoder) }

    /// The server is at home or special-purpose: the registry does not apply.
    case notApplicable = "not-applicable"
    case registered
    case purposeMismatch = "purpose-mismatch"
    case expired
    case unregistered

    public var name: String { rawValue }

    /// The ranking, from least to most serious (compared per cross-border flow: a
    /// switch, not a search of `allCases`).
    var seriousness: Int {
        switch self {
        case .notApplicable: return 0
        case .registered: return 1
        case .purposeMismatch: return 2
        case .expired: return 3
        case .unregistered: return 4
        }
    }

    public static func < (a: RegistryStatus, b: RegistryStatus) -> Bool { a.seriousness < b.seriousness }
}
