import Verdicts

/// Every detector, in the order they are asked: the most specific first, so a
/// protocol that rides on another's framing (RDP on TPKT, DoT on TLS) wins.
public enum Detectors {
    public static let all: [any ProtocolDetector.Type] = [
        TLSDetector.self, WebDAVDetector.self, HTTPDetector.self, SSHDetector.self, MQTTDetector.self,
        DNSDetector.self, QUICDetector.self, DTLSDetector.self,
        ModbusDetector.self, DNP3Detector.self, IEC104Detector.self, TDSDetector.self, TPKTDetector.self,
        OPCUADetector.self, BACnetDetector.self, ENIPDetector.self, CoAPDetector.self,
        NTPDetector.self, VNCDetector.self, TelnetDetector.self, FTPDetector.self,
        AMQPDetector.self, SNMPDetector.self, SyslogDetector.self, FlowExportDetector.self,
        CIPIODetector.self, RDPUDPDetector.self,
        TeamViewerDetector.self, RadminDetector.self, OpenVPNDetector.self, WireGuardDetector.self,
        IPsecDetector.self, PPTPDetector.self,
        MySQLDetector.self, PostgreSQLDetector.self, MongoDBDetector.self, SMBDetector.self, NFSDetector.self,
        KafkaDetector.self, RedisDetector.self, RsyncDetector.self, DropboxDetector.self,
        TFTPDetector.self, SoftEtherDetector.self, AliCloudDetector.self,
        HARTIPDetector.self, KNXIPDetector.self, DLMSDetector.self, EtherSIODetector.self, ADSDetector.self, PROFINETDetector.self,
    ]

    /// Detectors (as bits) that apply to each transport.
    static let tcpMask: UInt64 = mask(for: .tcp)
    static let udpMask: UInt64 = mask(for: .udp)

    static func mask(for t: Transport) -> UInt64 {
        var m: UInt64 = 0
        for (i, d) in all.enumerated() where d.transports.contains(t) { m |= 1 << UInt64(i) }
        return m
    }
}

/// Bounds on inspection work per flow: named, in one place.
public enum InspectionLimits {
    /// Payload packets a flow is inspected for before it is left `unknown`.
    public static let packetBudget = 12
    /// Packets a flow is followed after detection to gather metadata (DNS answers,
    /// HTTP response headers).
    public static let metadataBudget = 24
    /// First bytes of each TCP direction kept when a message spans segments.
    public static let streamBytes = 16 * 1024
    /// Hostnames remembered per input from DNS answers.
    public static let dnsNames = 1 << 20
}

/// What inspection knows of one flow; kept in the flow table (16 bytes, no references).
public struct InspectionState: Sendable, Equatable {
    public var app: AppProtocol = .unknown
    public var category: PayloadCategory = .unknown
    public var payloadPackets: UInt8 = 0
    /// Detection finished (detected and metadata gathered, or budget spent).
    public var done = false
    /// The protocol an encrypted flow's handshake offers (ALPN), `unknown` if none.
    public var offered: AppProtocol = .unknown
    /// Detectors that ruled themselves out, as bits of `Detectors.all`.
    var excluded: UInt64 = 0
    /// `NameTable` id of the server's name (0 = none).
    public var hostname: UInt32 = 0
    /// Slot + 1 of this flow's reassembly buffers (0 = none).
    var stream: UInt32 = 0

    public init() {}

    /// The category this flow is reported with, and how it was known: what the payload
    /// said, else what the handshake offers, else the protocol's own.
    public var effectiveCategory: PayloadCategory {
        if category != .unknown { return category }
        if offered != .unknown { return CategoryRules.category(of: offered) }
        return CategoryRules.category(of: app)
    }

    public var categoryEvidence: CategoryEvidence {
        if category != .unknown { return .payload }
        if offered != .unknown { return .alpn }
        return app == .unknown || CategoryRules.category(of: app) == .unknown ? .none : .payload
    }
}

extension InspectionState {
    /// A split capture: the state of a conversation that `before` (the part read in an
    /// earlier segment) left, going on with `after` (the same conversation inspected
    /// afresh in the next segment). Names are the caller's (ids belong to each
    /// segment's engine); `laterName` says whether `after`'s name may fill a gap.
    public static func continued(_ before: InspectionState, by after: InspectionState) -> (state: InspectionState, laterName: Bool) {
        var r: InspectionState
        var laterName = false
        if before.done {
            // Reading on would not have looked at the later packets.
            r = before
        } else if before.app != .unknown {
            // Detected, still gathering metadata (DNS answers, HTTP requests, QUIC's name):
            // the later packets add theirs the same way.
            r = before
            if after.app == before.app {
                if after.category != .unknown { r.category = after.category }
                r.done = after.done
                laterName = true
            }
        } else {
            // Not detected yet: what the fresh look found (it saw the same later packets).
            r = after
            laterName = true
        }
        r.hostname = 0
        r.stream = 0
        return (r, laterName)
    }
}
