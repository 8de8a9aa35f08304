import WireBytes

/// The network layer a frame carried.
public enum NetworkKind: UInt8, Sendable {
    case none, ipv4, ipv6, other
}

/// IP fragmentation of a packet (IPv4 flags/offset, or an IPv6 fragment header).
public struct FragmentInfo: Sendable, Equatable {
    public var isFragment = false
    /// Offset of this fragment's data in the original payload, in bytes.
    public var offset = 0
    public var moreFragments = false
    /// IPv4 identification (16 bits) or IPv6 fragment identification (32 bits).
    public var identification: UInt32 = 0

    public init() {}
}

/// One frame decoded to the transport layer. The caller keeps one and the decoder
/// overwrites it for every packet: no allocation. Offsets index the frame's bytes.
/// Decoding is lax: a frame that stops early keeps the layers already decoded, and
/// `stop` says why (layer, bytes needed and present, offset).
public struct DecodedPacket: Sendable {
    public var linkType = LinkType.ethernet
    /// 802.1Q / 802.1ad tags met (any depth); the outer two kept.
    public var vlanCount: UInt8 = 0
    public var outerVLAN: UInt16 = 0
    public var innerVLAN: UInt16 = 0
    /// The EtherType (or PPP protocol mapped to one) that carried the network layer.
    public var etherType: UInt16 = 0
    /// The Ethernet source address (48 bits) of the innermost Ethernet header; 0 without one.
    public var sourceMAC: UInt64 = 0
    public var network = NetworkKind.none
    public var source = IPAddress.zero
    public var destination = IPAddress.zero
    public var ipOffset = 0
    /// IP bytes as the header says (IPv4 total length; IPv6 40 + payload length, or the
    /// jumbo payload length) — what a flow counts.
    public var ipLength = 0
    /// Upper-layer protocol after any IPv6 extension headers.
    public var ipProtocol: UInt8 = 0
    public var hopLimit: UInt8 = 0
    public var fragment = FragmentInfo()
    public var transportOffset = 0
    public var sourcePort: UInt16 = 0
    public var destinationPort: UInt16 = 0
    public var tcpFlags: UInt8 = 0
    public var tcpSequence: UInt32 = 0
    public var tcpAcknowledgment: UInt32 = 0
    public var icmpType: UInt8 = 0
    public var icmpCode: UInt8 = 0
    /// The transport layer was decoded (ports, flags valid).
    public var hasTransport = false
    /// Application payload in the frame: clamped to the captured bytes and to the IP
    /// length (Ethernet padding excluded).
    public var payloadOffset = 0
    public var payloadLength = 0
    /// Why decoding stopped before the transport payload; nil when it got there.
    public var stop: WireError?

    public init() {}

    /// Resets every field for the next frame, field by field: assigning a fresh value
    /// copies the whole ~200-byte default through memcpy per packet (5% of a scan).
    /// Every stored property is listed (a test compares with a fresh value).
    @inlinable
    public mutating func reset(linkType: LinkType) {
        self.linkType = linkType
        vlanCount = 0; outerVLAN = 0; innerVLAN = 0; etherType = 0; sourceMAC = 0
        network = .none
        source = .zero; destination = .zero
        ipOffset = 0; ipLength = 0; ipProtocol = 0; hopLimit = 0
        fragment.isFragment = false; fragment.offset = 0; fragment.moreFragments = false; fragment.identification = 0
        transportOffset = 0; sourcePort = 0; destinationPort = 0
        tcpFlags = 0; tcpSequence = 0; tcpAcknowledgment = 0
        icmpType = 0; icmpCode = 0
        hasTransport = false
        payloadOffset = 0; payloadLength = 0
        if stop != nil { stop = nil }
    }

    /// The payload's bytes within `frame`.
    @inlinable
    public func payload(in frame: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        frame.view(payloadOffset, payloadLength)
    }

    public var isTCP: Bool { hasTransport && ipProtocol == 6 }
    public var isUDP: Bool { hasTransport && ipProtocol == 17 }
}

public enum EtherType {
    public static let ipv4: UInt16 = 0x0800
    public static let ipv6: UInt16 = 0x86DD
    public static let arp: UInt16 = 0x0806
    public static let vlan: UInt16 = 0x8100
    public static let qinq: UInt16 = 0x88A8
    public static let qinqOld: UInt16 = 0x9100
    public static let pppoeSession: UInt16 = 0x8864
    public static let mpls: UInt16 = 0x8847
    public static let erspanII: UInt16 = 0x88BE
    public static let erspanIII: UInt16 = 0x22EB
    public static let transparentEthernet: UInt16 = 0x6558
}

public enum IPProtocolNumber {
    public static let hopByHop: UInt8 = 0
    public static let icmp: UInt8 = 1
    public static let ipInIP: UInt8 = 4
    public static let tcp: UInt8 = 6
    public static let udp: UInt8 = 17
    public static let ipv6: UInt8 = 41
    public static let routing: UInt8 = 43
    public static let fragment: UInt8 = 44
    public static let gre: UInt8 = 47
    public static let esp: UInt8 = 50
    public static let ah: UInt8 = 51
    public static let icmp6: UInt8 = 58
    public static let noNext: UInt8 = 59
    public static let destinationOptions: UInt8 = 60
    public static let mobility: UInt8 = 135
}

/// Bounds on decoding work: named, in one place.
public enum PacketLimits {
    /// VLAN tags followed before giving up (a loop of tags is malformed).
    public static let maxVLANTags = 8
    /// IPv6 extension headers followed before giving up.
    public static let maxExtensionHeaders = 16
}
