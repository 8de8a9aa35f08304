/// What kind of data a flow carries: the `category` of docs/contract.md. The table that
/// decides it is `CategoryRules`.
public enum PayloadCategory: UInt8, Sendable, CaseIterable, NamedVerdict {
    public init(from decoder: any Decoder) throws { self = try Self.decodeName(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeName(to: encoder) }

    case unknown = 0
    case telemetry, remoteMaintenance, firmwareUpdate, nameResolution, timeSync, fileTransfer, web
    /// A VPN or other tunnel: what it carries is opaque (it may be anything, remote
    /// maintenance included).
    case tunnel
    /// Data kept on the server: databases, file shares and sync, object storage.
    case dataStorage

    /// The categories as a registry's `purposes` list them (`unknown` last).
    public static var purposeNames: String {
        (allCases.filter { $0 != .unknown } + [.unknown]).map(\.name).joined(separator: ", ")
    }

    public var name: String {
        switch self {
        case .unknown: return "unknown"
        case .telemetry: return "telemetry"
        case .remoteMaintenance: return "remote-maintenance"
        case .firmwareUpdate: return "firmware-update"
        case .nameResolution: return "name-resolution"
        case .timeSync: return "time-sync"
        case .fileTransfer: return "file-transfer"
        case .web: return "web"
        case .tunnel: return "tunnel"
        case .dataStorage: return "data-storage"
        }
    }
}
