/// A link-layer header type, as the tcpdump.org LINKTYPE_ registry numbers it
/// (pcap file headers and pcapng interface blocks both carry these numbers).
public struct LinkType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    @inlinable public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    // Computed, not stored: other modules read a stored global `let` through its
    // lazy initializer's check, per packet on the decoder's path.
    @inlinable public static var null: LinkType { LinkType(0) }          // BSD loopback: 4-byte host-order family
    @inlinable public static var ethernet: LinkType { LinkType(1) }
    @inlinable public static var ppp: LinkType { LinkType(9) }
    @inlinable public static var raw: LinkType { LinkType(101) }         // raw IPv4 or IPv6, from the version nibble
    @inlinable public static var cHDLC: LinkType { LinkType(104) }       // Cisco HDLC
    @inlinable public static var loop: LinkType { LinkType(108) }        // OpenBSD loopback: 4-byte network-order family
    @inlinable public static var linuxSLL: LinkType { LinkType(113) }
    @inlinable public static var pppHDLC: LinkType { LinkType(50) }      // PPP in HDLC-like framing
    @inlinable public static var pppEther: LinkType { LinkType(51) }     // PPPoE session, without Ethernet
    @inlinable public static var ipv4: LinkType { LinkType(228) }
    @inlinable public static var ipv6: LinkType { LinkType(229) }
    @inlinable public static var linuxSLL2: LinkType { LinkType(276) }

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
