import WireBytes

/// What the flow table needs to know of one packet, decoded to the transport layer.
public struct FlowPacket: Sendable {
    public var timestamp: Int64
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var ipProtocol: UInt8
    public var vlan: UInt16
    /// IP bytes (header included), as the IP header says.
    public var ipLength: Int
    public var tcpFlags: UInt8
    public var tunnelled: Bool

    public init(timestamp: Int64, source: IPAddress, destination: IPAddress, sourcePort: UInt16,
                destinationPort: UInt16, ipProtocol: UInt8, vlan: UInt16 = 0, ipLength: Int,
                tcpFlags: UInt8 = 0, tunnelled: Bool = false) {
        self.timestamp = timestamp
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.ipProtocol = ipProtocol
        self.vlan = vlan
        self.ipLength = ipLength
        self.tcpFlags = tcpFlags
        self.tunnelled = tunnelled
    }
}

public enum IPProtocol {
    public static let icmp: UInt8 = 1
    public static let tcp: UInt8 = 6
    public static let udp: UInt8 = 17
    public static let icmp6: UInt8 = 58
}

public enum TCPFlag {
    public static let fin: UInt8 = 0x01
    public static let syn: UInt8 = 0x02
    public static let rst: UInt8 = 0x04
    public static let psh: UInt8 = 0x08
    public static let ack: UInt8 = 0x10
}

/// A conversation's identity, the same for both directions: the endpoint that sorts
/// first (address, then port) is `a`.
public struct FlowKey: Hashable, Sendable {
    public var a: IPAddress
    public var b: IPAddress
    public var portA: UInt16
    public var portB: UInt16
    public var ipProtocol: UInt8
    public var vlan: UInt16

    /// The key of `p`'s conversation, and whether `p` travels from `a` to `b`.
    @inlinable @inline(__always)
    public static func of(_ p: FlowPacket) -> (key: FlowKey, fromA: Bool) {
        let srcFirst = p.source < p.destination || (p.source == p.destination && p.sourcePort <= p.destinationPort)
        if srcFirst {
            return (FlowKey(a: p.source, b: p.destination, portA: p.sourcePort, portB: p.destinationPort,
                            ipProtocol: p.ipProtocol, vlan: p.vlan), true)
        }
        return (FlowKey(a: p.destination, b: p.source, portA: p.destinationPort, portB: p.sourcePort,
                        ipProtocol: p.ipProtocol, vlan: p.vlan), false)
    }

    @inlinable
    public init(a: IPAddress, b: IPAddress, portA: UInt16, portB: UInt16, ipProtocol: UInt8, vlan: UInt16) {
        self.a = a
        self.b = b
        self.portA = portA
        self.portB = portB
        self.ipProtocol = ipProtocol
        self.vlan = vlan
    }

    /// A fast 64-bit mix of the key (the table's own hash; not `Hasher`, which is
    /// seeded per process and slower for a fixed-size key).
    @inlinable
    public var hash64: UInt64 {
        @inline(__always) get {
            var h = a.high &* 0x9E37_79B9_7F4A_7C15
            h = (h ^ a.low) &* 0xBF58_476D_1CE4_E5B9
            h = (h ^ b.high) &* 0x94D0_49BB_1331_11EB
            h = (h ^ b.low) &* 0x9E37_79B9_7F4A_7C15
            h ^= UInt64(portA) << 48 | UInt64(portB) << 32 | UInt64(ipProtocol) << 16 | UInt64(vlan)
            h = (h ^ (h >> 31)) &* 0xBF58_476D_1CE4_E5B9
            return h ^ (h >> 29)
        }
    }

    /// One word into the hasher instead of 39 bytes: sets and dictionaries of keys (the
    /// stitcher's, the table's ended keys) hash per flow, and SipHash costs by length.
    @inlinable
    public func hash(into hasher: inout Hasher) { hasher.combine(hash64) }

    /// What sets and dictionaries of keys (the stitcher's) use: no `Hasher` at all.
    @inlinable
    public func _rawHashValue(seed: Int) -> Int { WordHash.finish(hash64, seed: seed) }
}

/// Ports that name a service: the side that uses one is the server when no SYN says
/// otherwise (a capture that starts mid-conversation).
public enum ServicePorts {
    /// Registered ports of the protocols plant networks use, beyond the well-known range.
    static let registered: Set<UInt16> = [
        1883, 8883,        // MQTT
        5683, 5684,        // CoAP, CoAP over DTLS (LwM2M)
        4840, 4843,        // OPC UA
        2404,              // IEC 60870-5-104
        20000,             // DNP3
        44818, 2222,       // EtherNet/IP
        47808,             // BACnet/IP
        1911, 4911,        // Niagara Fox
        3389,              // RDP
        5900, 5901,        // VNC
        5671, 5672,        // AMQP
        8080, 8443, 8000, 8888,  // HTTP alternatives
        2055, 4739, 6343, 9995, 9996,  // NetFlow, IPFIX, sFlow
        1194, 1701, 1723, 4500,        // VPNs
        3306, 5432, 6379, 9092, 27017, // databases, Kafka
        853, 5353, 5355,               // DoT, mDNS, LLMNR
        2152, 4789,                    // GTP-U, VXLAN
        18245, 18246,                  // GE SRTP
        1962,                          // PCWorx
        9600,                          // OMRON FINS
        789,                           // Red Lion
        2455,                          // CODESYS
        11740, 48898,                  // Beckhoff
        34962, 34963, 34964,           // PROFINET
        3671,                          // KNXnet/IP
        5094,                          // HART-IP
        4059,                          // DLMS/COSEM
    ]

    public static func isService(_ port: UInt16) -> Bool {
        port != 0 && (port < 1024 || registered.contains(port))
    }
}
