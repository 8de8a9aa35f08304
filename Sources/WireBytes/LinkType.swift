/// A link-layer header type, as the tcpdump.org LINKTYPE_ registry numbers it
/// (pcap file headers and pcapng interface blocks both carry these numbers).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public static let null = LinkType(0)          // BSD loopback: 4-byte host-order family
    public static let ethernet = LinkType(1)
    public static let ppp = LinkType(9)
    public static let raw = LinkType(101)         // raw IPv4 or IPv6, from the version nibble
    public static let cHDLC = LinkType(104)       // Cisco HDLC
    public static let loop = LinkType(108)        // OpenBSD loopback: 4-byte network-order family
    public static let linuxSLL = LinkType(113)
    public static let pppHDLC = LinkType(50)      // PPP in HDLC-like framing
    public static let pppEther = LinkType(51)     // PPPoE session, without Ethernet
    public static let ipv4 = LinkType(228)
    public static let ipv6 = LinkType(229)
    public static let linuxSLL2 = LinkType(276)

    /// Historical DLT values that some writers put in files instead of LINKTYPE_ ones.
    @inlinable
    public var normalized: LinkType {
        switch rawValue {
        case 12, 14: return .raw   // DLT_RAW on some BSDs
        default: return self
        }
    }

    public var name: String {
        switch normalized.rawValue {
        case 0: return "null"
        case 1: return "ethernet"
        case 9: return "ppp"
        case 50: return "ppp-hdlc"
        case 51: return "pppoe"
        case 101: return "raw"
        case 104: return "c-hdlc"
        case 108: return "loop"
        case 113: return "linux-sll"
        case 228: return "ipv4"
        case 229: return "ipv6"
        case 276: return "linux-sll2"
        case 105: return "ieee802.11"
        case 127: return "ieee802.11-radiotap"
        case 147 ... 162: return "user\(rawValue - 147)"
        default: return "linktype-\(rawValue)"
        }
    }

    public var description: String { name }
}
