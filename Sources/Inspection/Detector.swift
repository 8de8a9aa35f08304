import Verdicts

/// The transport a payload arrived on.
public enum Transport: UInt8, Sendable {
    case tcp, udp
}

/// A payload as a detector sees it: bytes in place (never copied, except the first
/// bytes of a TCP stream reassembled when a message spans segments) and a little
/// flow context.
public struct PayloadView {
    public let bytes: UnsafeRawBufferPointer
    public let transport: Transport
    /// Sent by the endpoint that sent the flow's first packet (usually the client).
    public let fromInitiator: Bool
    public let sourcePort: UInt16
    public let destinationPort: UInt16
    /// How many payload packets of this flow came before this one (both directions).
    public let index: Int
    /// Whether `bytes` is the reassembled start of the stream rather than one segment.
    public let reassembled: Bool

    public init(bytes: UnsafeRawBufferPointer, transport: Transport, fromInitiator: Bool,
                sourcePort: UInt16, destinationPort: UInt16, index: Int, reassembled: Bool = false) {
        self.bytes = bytes
        self.transport = transport
        self.fromInitiator = fromInitiator
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.index = index
        self.reassembled = reassembled
    }

    /// Either endpoint uses `port` (a hint, never a verdict alone).
    @inlinable
    public func usesPort(_ port: UInt16) -> Bool { sourcePort == port || destinationPort == port }
}

/// What a detector says of a flow after seeing a payload.
public enum DetectorVerdict: Equatable, Sendable {
    case detected(AppProtocol)
    /// Could still be this protocol: show me more of the flow.
    case needMore
    /// Not this protocol; do not ask again for this flow.
    case excluded
}

/// Facts a detector extracted on the way, merged into the flow's state.
public struct DetectorFindings {
    /// Server name: TLS/QUIC SNI, HTTP Host.
    public var hostname: String?
    /// A category more specific than the protocol's own (a firmware download over HTTP).
    public var category: PayloadCategory?
    /// The protocol an encrypted flow's handshake offers (ALPN): its category, known
    /// from the handshake rather than from the payload it hides.
    public var offered: AppProtocol?
    /// A DNS response's answers, for the address-to-name map.
    public var dns: DNSMessageInfo?
    /// A more specific protocol found while following a detected flow (AnyDesk's
    /// certificates in a TLS server flight); it replaces the flow's app.
    public var refinedApp: AppProtocol?
    /// The detector has what it wanted from this flow: stop following it.
    public var finished = false

    public init() {}
}

/// One protocol's recogniser; one per file under Detectors/, listed in `Detectors.all`.
/// A detector must be cheap on bytes that are not its protocol (reject on the first
/// bytes) and must never trust a length field without checking it.
public protocol ProtocolDetector: Sendable {
    static var app: AppProtocol { get }
    static var transports: [Transport] { get }
    static func inspect(_ payload: PayloadView, _ findings: inout DetectorFindings) -> DetectorVerdict
}

/// Messages that state their own length, back to back: the lengths must fill the
/// payload exactly. `length(at)` reads the header of the message starting at `at` and
/// gives its length in bytes, or nil when that is no such header.
func messagesFill(_ b: UnsafeRawBufferPointer, length: (Int) -> Int?) -> Bool {
    var at = 0
    while at < b.count {
        guard let n = length(at), n > 0, at + n <= b.count else { return false }
        at += n
    }
    return !b.isEmpty
}
