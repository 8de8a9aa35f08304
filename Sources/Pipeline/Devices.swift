import Flows
import WireBytes

/// One device on the home side, as its flows show it: the address, the Ethernet address
/// its frames came from, and how much of its traffic left the country.
public struct DeviceSummary: Sendable, Equatable, Codable {
    public var address: IPAddress
    /// The smallest Ethernet address its frames came from (0: none seen). Behind a
    /// router this is the router's: the capture point decides.
    public var mac: UInt64 = 0
    public var flows = 0
    public var crossBorderFlows = 0
    public var bytesAbroad: UInt64 = 0
    public var first = Int64.max
    public var last = Int64.min

    public init(address: IPAddress) { self.address = address }

    /// The home-side end of a flow: the client, or the server of an inbound session
    /// (a vendor abroad reaching a plant device).
    static func side(of r: FlowRecord) -> (address: IPAddress, mac: UInt64) {
        r.inbound ? (r.flow.server, r.flow.serverMAC) : (r.flow.client, r.flow.clientMAC)
    }

    /// 0.0.0.0 and :: (a DHCP client before it has an address) name no device.
    static func isUnspecified(_ a: IPAddress) -> Bool { a == IPAddress(v4: 0) || a == .zero }

    mutating func add(_ r: FlowRecord, mac m: UInt64) {
        if m != 0, mac == 0 || m < mac { mac = m }
        flows &+= 1
        if r.crossBorder {
            crossBorderFlows &+= 1
            bytesAbroad &+= r.flow.bytesToServer &+ r.flow.bytesToClient
        }
        first = min(first, r.flow.first)
        last = max(last, r.flow.last)
    }

    mutating func merge(_ o: DeviceSummary) {
        if o.mac != 0, mac == 0 || o.mac < mac { mac = o.mac }
        flows.addSaturating(o.flows)
        crossBorderFlows.addSaturating(o.crossBorderFlows)
        bytesAbroad.addSaturating(o.bytesAbroad)
        first = min(first, o.first)
        last = max(last, o.last)
    }
}
