/// How a flow's category was known (the `categoryEvidence` of docs/contract.md). Ports
/// are a hint: a category known from a port alone is reported, but raises no purpose
/// check.
public enum CategoryEvidence: UInt8, Sendable, CaseIterable, NamedVerdict {
    public init(from decoder: any Decoder) throws { self = try Self.decodeName(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeName(to: encoder) }

    /// Nothing is known (category `unknown`).
    case none
    /// The payload: a detector recognised the protocol, or read what it carries.
    case payload
    /// The protocol the TLS, DTLS or QUIC ClientHello offers (ALPN), under encryption.
    case alpn
    /// The server port of an encrypted flow is the IANA port of a secure protocol.
    case port
    /// The flow's server name (TLS, DTLS or QUIC SNI, HTTP Host, else its DNS name)
    /// matches an entry of the services catalogue, which says what the service carries.
    case service

    public var name: String {
        switch self {
        case .none: return "none"
        case .payload: return "payload"
        case .alpn: return "alpn"
        case .port: return "port"
        case .service: return "service"
        }
    }

    /// Whether a purpose check may rest on it.
    public var decidesPurpose: Bool { self == .payload || self == .alpn || self == .service }
}
