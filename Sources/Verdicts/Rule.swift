/// The rules of docs/contract.md, with their severities.
public enum Rule: String, Sendable, CaseIterable, Comparable, NamedVerdict {
    public init(from decoder: any Decoder) throws { self = try Self.decodeName(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeName(to: encoder) }

    case unregisteredOverseasServer = "unregistered-overseas-server"
    case expiredRegistration = "expired-registration"
    case purposeMismatch = "purpose-mismatch"
    case unknownDestination = "unknown-destination"
    case remoteMaintenance = "remote-maintenance"
    /// A remote-maintenance session opened from abroad to a device at home
    /// (docs/contract.md, Rules). `crossBorder` is about the server, so these are not
    /// cross-border flows, yet they are the sessions a maintenance log must keep.
    case inboundRemoteMaintenance = "inbound-remote-maintenance"
    /// Device data going into storage abroad (a database, file share or sync, object
    /// store) on a server not registered for `data-storage`: what local storage forbids.
    case offshoreDataStorage = "offshore-data-storage"

    public var severity: Severity {
        switch self {
        case .unregisteredOverseasServer, .expiredRegistration, .offshoreDataStorage: return .high
        case .purposeMismatch: return .medium
        case .unknownDestination: return .low
        case .remoteMaintenance, .inboundRemoteMaintenance: return .info
        }
    }

    public var summary: String {
        switch self {
        case .unregisteredOverseasServer: return "A device talks to a server abroad that no registry entry names, by address or hostname."
        case .expiredRegistration: return "A device talks to a registered server outside the entry's validity window."
        case .purposeMismatch: return "A device sends a registered server data of a category the entry does not list among its purposes."
        case .unknownDestination: return "A device talks to a public address that no geo source places in a country."
        case .remoteMaintenance: return "A remote-maintenance session crosses the border (recorded in the maintenance log)."
        case .inboundRemoteMaintenance: return "A remote-maintenance session was opened from abroad to a device at home (recorded in the maintenance log)."
        case .offshoreDataStorage: return "A device sends data into storage abroad (a database, file share or sync, object store) on a server not registered for data-storage."
        }
    }

    public var name: String { rawValue }

    /// At most 43 characters, for the rule table of `scan --help`.
    public var brief: String {
        switch self {
        case .unregisteredOverseasServer: return "a server abroad no registry entry names"
        case .expiredRegistration: return "registered, used outside its validity"
        case .purposeMismatch: return "data of a purpose the entry does not list"
        case .unknownDestination: return "a public server no geo source places"
        case .remoteMaintenance: return "a maintenance session across the border"
        case .inboundRemoteMaintenance: return "a maintenance session opened from abroad"
        case .offshoreDataStorage: return "device data stored on a server abroad"
        }
    }

    /// The report order (and SARIF's `ruleIndex`): `allCases` order, as a switch.
    var order: Int {
        switch self {
        case .unregisteredOverseasServer: return 0
        case .expiredRegistration: return 1
        case .purposeMismatch: return 2
        case .unknownDestination: return 3
        case .remoteMaintenance: return 4
        case .inboundRemoteMaintenance: return 5
        case .offshoreDataStorage: return 6
        }
    }
    public static func < (a: Rule, b: Rule) -> Bool { a.order < b.order }
}

public enum Severity: String, Sendable, Comparable, CaseIterable, NamedVerdict {
    public init(from decoder: any Decoder) throws { self = try Self.decodeName(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeName(to: encoder) }

    case info, low, medium, high

    public var name: String { rawValue }

    var rank: Int {
        switch self {
        case .info: return 0
        case .low: return 1
        case .medium: return 2
        case .high: return 3
        }
    }

    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}
