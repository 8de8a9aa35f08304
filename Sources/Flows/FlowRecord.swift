import Inspection
import Verdicts

/// Where a flow record came from.
public enum FlowSource: String, Sendable {
    case packets, netflow, ipfix
}

/// A finished flow with what later stages say of it: the flow record of docs/contract.md.
/// Built once per flow (not per packet), so it may hold strings.
public struct FlowRecord: Sendable, Equatable {
    public var flow: OrientedFlow
    public var source: FlowSource
    /// Application protocol (`tls`, `mqtt`, ...), or `unknown`.
    public var app: AppProtocol
    /// Payload category (`telemetry`, `remote-maintenance`, ...), or `unknown`.
    public var category: PayloadCategory
    /// How the category was known.
    public var categoryEvidence: CategoryEvidence = .none
    /// The protocol an encrypted flow offers (ALPN) or its port suggests; `unknown` if none.
    public var offered: AppProtocol = .unknown
    public var hostname: String?
    /// The services catalogue entry the hostname matches (`aws-iot-core`), if any.
    public var service: String?
    public var serverCountry: String?
    public var crossBorder: Bool
    /// Decided by the policy; `notApplicable` until then.
    public var registry: RegistryStatus
    /// Which input the flow came from (index into the report's inputs).
    public var input: Int
    /// Where the geo sources place the client (nil: special-purpose address, or unplaced).
    public var clientCountry: String?
    /// A client abroad opened the conversation to a server at home (or on a private
    /// network): an inbound session, e.g. a vendor's remote maintenance.
    public var inbound = false
    /// The geo data places the server only in a region that holds a home country as
    /// well as others: it is neither known to be home nor known to be abroad.
    public var destinationUndetermined = false

    public init(flow: OrientedFlow, source: FlowSource = .packets, app: AppProtocol = .unknown, category: PayloadCategory = .unknown,
                hostname: String? = nil, serverCountry: String? = nil, crossBorder: Bool = false,
                registry: RegistryStatus = .notApplicable, input: Int = 0) {
        self.flow = flow
        self.source = source
        self.app = app
        self.category = category
        categoryEvidence = app == .unknown && category == .unknown ? .none : .payload
        self.hostname = hostname
        self.serverCountry = serverCountry
        self.crossBorder = crossBorder
        self.registry = registry
        self.input = input
    }

    /// `home`, `abroad` or `undetermined` once placed; nil when no geo source places the
    /// server or its address is special-purpose.
    public var destinationName: String? {
        if crossBorder { return "abroad" }
        if destinationUndetermined { return "undetermined" }
        return serverCountry == nil ? nil : "home"
    }

    /// `tcp`, `udp`, `icmp`, `icmp6`, or the protocol number.
    public var protoName: String {
        switch flow.ipProtocol {
        case IPProtocol.tcp: return "tcp"
        case IPProtocol.udp: return "udp"
        case IPProtocol.icmp: return "icmp"
        case IPProtocol.icmp6: return "icmp6"
        default: return String(flow.ipProtocol)
        }
    }
}

extension FlowSource: Codable {}
extension FlowRecord: Codable {}

/// What made a flow's category known, as a small value: findings keep the distinct
/// ones of their flows without a string per flow.
public struct CategoryEvidenceKey: Hashable, Comparable, Sendable, Codable {
    public var kind: CategoryEvidence
    public var app: AppProtocol
    public var category: PayloadCategory
    public var offered: AppProtocol
    /// The server port, for port evidence only (0 otherwise).
    public var port: UInt16
    /// The catalogue entry, for service evidence only.
    public var service: String?

    public init(_ r: FlowRecord) {
        kind = r.categoryEvidence
        app = r.app
        category = r.category
        offered = r.offered
        port = r.categoryEvidence == .port ? r.flow.serverPort : 0
        service = r.categoryEvidence == .service ? r.service : nil
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.kind.rawValue, a.app.rawValue, a.category.rawValue, a.offered.rawValue, a.port)
            < (b.kind.rawValue, b.app.rawValue, b.category.rawValue, b.offered.rawValue, b.port)
            || (a.kind, a.app, a.category, a.offered, a.port) == (b.kind, b.app, b.category, b.offered, b.port)
            && (a.service ?? "") < (b.service ?? "")
    }

    /// For people: "payload: mqtt", "ALPN: tls offers mqtt", "port: tls to 8883, the port
    /// of mqtt over TLS (a hint)"; nil when nothing made the category known.
    public var text: String? {
        switch kind {
        case .none: return nil
        case .payload:
            return category == CategoryRules.category(of: app) || app == .unknown ? "payload: \(app.name)"
                : "payload: \(app.name) carrying \(category.name)"
        case .alpn: return "ALPN: \(app.name) offers \(offered.name)"
        case .port: return "port: \(app.name) to \(port), the port of \(offered.name) over TLS (a hint)"
        case .service: return "service: \(app.name) name matches \(service ?? "") (\(category.name))"
        }
    }
}

extension FlowRecord {
    /// What made the category known, for people (`CategoryEvidenceKey.text`).
    public var evidence: String? { CategoryEvidenceKey(self).text }
}
