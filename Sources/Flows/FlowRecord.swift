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
    public var hostname: String?
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

    public init(flow: OrientedFlow, source: FlowSource = .packets, app: AppProtocol = .unknown, category: PayloadCategory = .unknown,
                hostname: String? = nil, serverCountry: String? = nil, crossBorder: Bool = false,
                registry: RegistryStatus = .notApplicable, input: Int = 0) {
        self.flow = flow
        self.source = source
        self.app = app
        self.category = category
        self.hostname = hostname
        self.serverCountry = serverCountry
        self.crossBorder = crossBorder
        self.registry = registry
        self.input = input
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
