import Inspection
import WireBytes

/// How a flow ended (or why it was emitted while still going).
public enum FlowEnd: UInt8, Sendable {
    case idle            // no packet for the idle timeout
    case closed          // TCP FIN both ways, or RST
    case active          // the active timeout cut a long flow; it goes on in a new record
    case evicted         // the table was full
    case endOfInput      // the capture ended
}

/// One conversation, both directions; ~100 bytes, kept in the table's slab.
public struct FlowState: Sendable {
    public var key: FlowKey
    public var first: Int64
    public var last: Int64
    public var packetsAB: UInt32 = 0
    public var packetsBA: UInt32 = 0
    public var bytesAB: UInt64 = 0
    public var bytesBA: UInt64 = 0
    /// TCP flags seen from each side (OR of all packets).
    public var flagsA: UInt8 = 0
    public var flagsB: UInt8 = 0
    /// The Ethernet address of the side that sent the first packet and of the other
    /// side, from each one's first frame that had one (0: none seen).
    public var macA: UInt64 = 0
    public var macB: UInt64 = 0
    /// Bit 0: the first packet went from `a`. Bit 1: a pure SYN came from `a`;
    /// bit 2: from `b`. Bit 3: SYN+ACK from `a`; bit 4: from `b`. Bit 5: tunnelled.
    public var bits: UInt8 = 0
    public var end: FlowEnd = .idle
    /// Marks a segment of a split capture needs (see `SegmentMark`); 0 otherwise.
    public var marks: UInt8 = 0
    /// What the flow carries, as far as inspection has found.
    public var inspection = InspectionState()

    @usableFromInline static let firstFromA: UInt8 = 1, synFromA: UInt8 = 2, synFromB: UInt8 = 4
    @usableFromInline static let synAckFromA: UInt8 = 8, synAckFromB: UInt8 = 16, tunnelledBit: UInt8 = 32

    @inlinable
    init(key: FlowKey, time: Int64, fromA: Bool) {
        self.key = key
        first = time
        last = time
        bits = fromA ? FlowState.firstFromA : 0
    }

    /// The packet that opened this record was a pure SYN (a new connection).
    public var openedBySyn: Bool { marks & SegmentMark.openedBySyn != 0 }

    @inlinable @inline(__always)
    mutating func add(_ p: FlowPacket, fromA: Bool) {
        if p.timestamp > last { last = p.timestamp }
        if p.timestamp < first { first = p.timestamp }
        if fromA {
            packetsAB &+= 1
            bytesAB &+= UInt64(p.ipLength)
            flagsA |= p.tcpFlags
        } else {
            packetsBA &+= 1
            bytesBA &+= UInt64(p.ipLength)
            flagsB |= p.tcpFlags
        }
        let synAck = p.tcpFlags & (TCPFlag.syn | TCPFlag.ack)
        if synAck == TCPFlag.syn {
            bits |= fromA ? FlowState.synFromA : FlowState.synFromB
        } else if synAck == TCPFlag.syn | TCPFlag.ack {
            bits |= fromA ? FlowState.synAckFromA : FlowState.synAckFromB
        }
        if p.tunnelled { bits |= FlowState.tunnelledBit }
    }

    public var tunnelled: Bool { bits & FlowState.tunnelledBit != 0 }

    /// Notes the Ethernet address a frame from one side came from, if that side has none
    /// yet (called per packet with the decoder's address, outside the flow-table path).
    @inlinable @inline(__always)
    public mutating func noteMAC(_ mac: UInt64, fromInitiator: Bool) {
        // A and B are key order; the initiator is A when the first packet came from A.
        let fromA = fromInitiator == (bits & FlowState.firstFromA != 0)
        if fromA { if macA == 0 { macA = mac } } else if macB == 0 { macB = mac }
    }

    /// The first flow of its key in a segment after the first: it may go on a flow
    /// the segment before left open (the stitcher decides).
    public var isSegmentHead: Bool { marks & SegmentMark.head != 0 }

    /// Whether a packet from `a` (`fromA`) comes from the endpoint that sent the first packet.
    @inlinable
    public func fromInitiator(_ fromA: Bool) -> Bool { fromA == (bits & FlowState.firstFromA != 0) }

    /// TCP: both sides sent FIN, or either sent RST.
    @inlinable
    public var isClosed: Bool {
        (flagsA | flagsB) & TCPFlag.rst != 0 || (flagsA & flagsB & TCPFlag.fin) != 0
    }

    /// Whether `a` opened the conversation (the client of docs/contract.md): the sender of a
    /// pure SYN; else the receiver of a SYN+ACK; else the first sender, unless only
    /// the other side uses a service port.
    public var clientIsA: Bool {
        if bits & FlowState.synFromA != 0 { return true }
        if bits & FlowState.synFromB != 0 { return false }
        if bits & FlowState.synAckFromB != 0 { return true }
        if bits & FlowState.synAckFromA != 0 { return false }
        let firstA = bits & FlowState.firstFromA != 0
        let senderPort = firstA ? key.portA : key.portB
        let receiverPort = firstA ? key.portB : key.portA
        if ServicePorts.isService(senderPort), !ServicePorts.isService(receiverPort) { return !firstA }
        return firstA
    }

    /// The server's address (as `oriented.server`, without building the record).
    public var server: IPAddress { clientIsA ? key.b : key.a }

    /// The record as client and server, as docs/contract.md defines them.
    public var oriented: OrientedFlow {
        let aIsClient = clientIsA
        return OrientedFlow(
            first: first, last: last, ipProtocol: key.ipProtocol, vlan: key.vlan,
            client: aIsClient ? key.a : key.b, clientPort: aIsClient ? key.portA : key.portB,
            server: aIsClient ? key.b : key.a, serverPort: aIsClient ? key.portB : key.portA,
            clientMAC: aIsClient ? macA : macB, serverMAC: aIsClient ? macB : macA,
            packetsToServer: UInt64(aIsClient ? packetsAB : packetsBA),
            packetsToClient: UInt64(aIsClient ? packetsBA : packetsAB),
            bytesToServer: aIsClient ? bytesAB : bytesBA,
            bytesToClient: aIsClient ? bytesBA : bytesAB,
            clientFlags: aIsClient ? flagsA : flagsB, serverFlags: aIsClient ? flagsB : flagsA,
            tunnelled: tunnelled, end: end)
    }
}

/// A finished flow record, oriented client → server.
public struct OrientedFlow: Sendable, Equatable {
    public var first: Int64
    public var last: Int64
    public var ipProtocol: UInt8
    public var vlan: UInt16
    public var client: IPAddress
    public var clientPort: UInt16
    public var server: IPAddress
    public var serverPort: UInt16
    public var packetsToServer: UInt64
    public var packetsToClient: UInt64
    public var bytesToServer: UInt64
    public var bytesToClient: UInt64
    public var clientFlags: UInt8
    public var serverFlags: UInt8
    public var tunnelled: Bool
    public var end: FlowEnd
    /// Ethernet addresses the client's and the server's frames came from (0: none).
    public var clientMAC: UInt64 = 0
    public var serverMAC: UInt64 = 0

    public init(first: Int64, last: Int64, ipProtocol: UInt8, vlan: UInt16, client: IPAddress, clientPort: UInt16,
                server: IPAddress, serverPort: UInt16, clientMAC: UInt64 = 0, serverMAC: UInt64 = 0,
                packetsToServer: UInt64, packetsToClient: UInt64,
                bytesToServer: UInt64, bytesToClient: UInt64, clientFlags: UInt8 = 0, serverFlags: UInt8 = 0,
                tunnelled: Bool = false, end: FlowEnd = .endOfInput) {
        self.first = first
        self.last = last
        self.ipProtocol = ipProtocol
        self.vlan = vlan
        self.client = client
        self.clientPort = clientPort
        self.server = server
        self.serverPort = serverPort
        self.packetsToServer = packetsToServer
        self.packetsToClient = packetsToClient
        self.bytesToServer = bytesToServer
        self.bytesToClient = bytesToClient
        self.clientFlags = clientFlags
        self.serverFlags = serverFlags
        self.tunnelled = tunnelled
        self.end = end
        self.clientMAC = clientMAC
        self.serverMAC = serverMAC
    }
}

extension FlowEnd: Codable {}
extension OrientedFlow: Codable {}

/// Bits of `FlowState.marks`.
public enum SegmentMark {
    /// First flow of its key in a segment (after the first), within the segment's first
    /// idle-timeout of capture time: the only flows that can go on one from before.
    public static let head: UInt8 = 1
    /// The record's first packet was a pure SYN.
    public static let openedBySyn: UInt8 = 2
}
