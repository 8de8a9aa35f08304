import Flows
import Testing
import WireBytes

func ip(_ s: String) -> IPAddress { IPAddress(s)! }
let second: Int64 = 1_000_000_000

func tcp(_ t: Int64, _ s: String, _ sp: UInt16, _ d: String, _ dp: UInt16, _ flags: UInt8, len: Int = 60) -> FlowPacket {
    FlowPacket(timestamp: t, source: ip(s), destination: ip(d), sourcePort: sp, destinationPort: dp,
               ipProtocol: IPProtocol.tcp, ipLength: len, tcpFlags: flags)
}

func udp(_ t: Int64, _ s: String, _ sp: UInt16, _ d: String, _ dp: UInt16, len: Int = 100) -> FlowPacket {
    FlowPacket(timestamp: t, source: ip(s), destination: ip(d), sourcePort: sp, destinationPort: dp,
               ipProtocol: IPProtocol.udp, ipLength: len)
}

func run(_ packets: [FlowPacket], config: FlowTableConfig = FlowTableConfig()) -> ([OrientedFlow], FlowTableStats) {
    var table = FlowTable(config: config, initialCapacity: 16)
    var out: [OrientedFlow] = []
    for p in packets { table.add(p) { out.append($0.oriented) } }
    table.flush { out.append($0.oriented) }
    return (out, table.stats)
}

@Suite struct FlowTableTests {
    /// Live capture gone quiet: moving the clock ends idle flows without a packet.
    @Test func advancingTheClockEndsIdleFlows() {
        var table = FlowTable(initialCapacity: 16)
        var out: [OrientedFlow] = []
        table.add(udp(0, "10.0.0.5", 5000, "203.0.113.9", 53)) { out.append($0.oriented) }
        table.add(tcp(0, "10.0.0.5", 40000, "203.0.113.9", 443, TCPFlag.syn)) { out.append($0.oriented) }
        table.advance(to: 30 * second) { out.append($0.oriented) }
        #expect(out.isEmpty)
        table.advance(to: 61 * second) { out.append($0.oriented) }
        #expect(out.count == 1 && out.first?.serverPort == 53)
        #expect(table.count == 1)
    }

    @Test func bothDirectionsAreOneFlowOrientedBySyn() {
        let (flows, _) = run([
            tcp(0, "10.0.0.5", 40000, "203.0.113.9", 8883, TCPFlag.syn),
            tcp(1, "203.0.113.9", 8883, "10.0.0.5", 40000, TCPFlag.syn | TCPFlag.ack),
            tcp(2, "10.0.0.5", 40000, "203.0.113.9", 8883, TCPFlag.ack, len: 500),
        ])
        #expect(flows.count == 1)
        let f = flows[0]
        #expect(f.client == ip("10.0.0.5") && f.clientPort == 40000)
        #expect(f.server == ip("203.0.113.9") && f.serverPort == 8883)
        #expect(f.packetsToServer == 2 && f.packetsToClient == 1)
        #expect(f.bytesToServer == 560 && f.bytesToClient == 60)
        #expect(f.first == 0 && f.last == 2)
    }

    @Test func midStreamCaptureNamesTheServicePortAsServer() {
        // The capture starts with the server's answer: no SYN, first sender uses 443.
        let (flows, _) = run([
            tcp(0, "198.51.100.1", 443, "10.1.1.1", 51000, TCPFlag.ack),
            tcp(1, "10.1.1.1", 51000, "198.51.100.1", 443, TCPFlag.ack),
        ])
        #expect(flows.count == 1)
        #expect(flows[0].server == ip("198.51.100.1") && flows[0].serverPort == 443)
        // A SYN+ACK alone also tells: its receiver is the client.
        let (f2, _) = run([tcp(0, "198.51.100.1", 5000, "10.1.1.1", 6000, TCPFlag.syn | TCPFlag.ack)])
        #expect(f2[0].client == ip("10.1.1.1"))
        // Otherwise the first sender is the client, even to an unknown port.
        let (f3, _) = run([udp(0, "10.1.1.1", 40000, "198.51.100.1", 40001), udp(1, "198.51.100.1", 40001, "10.1.1.1", 40000)])
        #expect(f3[0].client == ip("10.1.1.1"))
        // Both sides on service ports: the first sender is the client.
        let (f4, _) = run([udp(0, "10.1.1.1", 123, "198.51.100.1", 123)])
        #expect(f4[0].client == ip("10.1.1.1"))
    }

    @Test func idleFlowsAreEmittedAsTheyEnd() {
        var config = FlowTableConfig()
        config.udpIdleTimeout = 10 * second
        var table = FlowTable(config: config)
        var out: [OrientedFlow] = []
        table.add(udp(0, "10.0.0.1", 1000, "192.0.2.1", 53)) { out.append($0.oriented) }
        table.add(udp(5 * second, "10.0.0.2", 1000, "192.0.2.1", 53)) { out.append($0.oriented) }
        #expect(out.isEmpty)
        table.add(udp(12 * second, "10.0.0.3", 1000, "192.0.2.1", 53)) { out.append($0.oriented) }
        #expect(out.map(\.client) == [ip("10.0.0.1")])
        #expect(out[0].end == .idle)
        #expect(table.count == 2)
    }

    @Test func aNewSynAfterCloseStartsANewRecord() {
        let (flows, _) = run([
            tcp(0, "10.0.0.5", 40000, "203.0.113.9", 22, TCPFlag.syn),
            tcp(1, "10.0.0.5", 40000, "203.0.113.9", 22, TCPFlag.fin | TCPFlag.ack),
            tcp(2, "203.0.113.9", 22, "10.0.0.5", 40000, TCPFlag.fin | TCPFlag.ack),
            tcp(3, "10.0.0.5", 40000, "203.0.113.9", 22, TCPFlag.syn),
        ])
        #expect(flows.count == 2)
        #expect(flows[0].end == .closed && flows[0].packetsToServer == 2)
        #expect(flows[1].packetsToServer == 1)
    }

    @Test func activeTimeoutCutsLongFlows() {
        var config = FlowTableConfig()
        config.activeTimeout = 100 * second
        config.udpIdleTimeout = 50 * second
        var packets: [FlowPacket] = []
        for t in stride(from: Int64(0), to: 250, by: 10) { packets.append(udp(t * second, "10.0.0.1", 5000, "192.0.2.7", 1883)) }
        let (flows, _) = run(packets, config: config)
        #expect(flows.count == 3)
        #expect(flows.map(\.packetsToServer).reduce(0, +) == 25)
        #expect(flows[0].end == .active)
    }

    /// Many flows, random order, a small table: every packet is accounted for exactly
    /// once across the emitted records, whatever evictions and removals happened.
    @Test(arguments: [64, 1000, 1 << 20])
    func packetsAreConservedUnderEviction(maxFlows: Int) {
        var config = FlowTableConfig()
        config.maxFlows = maxFlows
        // Long idle timeouts for the unbounded table: then one record per conversation.
        config.udpIdleTimeout = maxFlows == 1 << 20 ? 600 * second : 3 * second
        var rng: UInt64 = 42
        func next() -> UInt64 { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return rng >> 33 }
        var packets: [FlowPacket] = []
        var expectedBytes: UInt64 = 0
        var hosts = Set<UInt64>()
        for i in 0 ..< 20000 {
            let host = next() % 3000
            hosts.insert(host)
            let len = Int(next() % 1400) + 40
            expectedBytes += UInt64(len)
            let fwd = next() % 2 == 0
            let a = IPAddress(v4: 0x0A00_0000 | UInt32(host)), b = IPAddress(v4: 0xC633_6400 | UInt32(host % 7))
            packets.append(FlowPacket(timestamp: Int64(i) * 1_000_000, source: fwd ? a : b, destination: fwd ? b : a,
                                      sourcePort: fwd ? 40000 : 1883, destinationPort: fwd ? 1883 : 40000,
                                      ipProtocol: IPProtocol.udp, ipLength: len))
        }
        let (flows, stats) = run(packets, config: config)
        #expect(flows.map { $0.packetsToServer + $0.packetsToClient }.reduce(0, +) == 20000)
        #expect(flows.map { $0.bytesToServer + $0.bytesToClient }.reduce(0, +) == expectedBytes)
        #expect(stats.peakLiveFlows <= maxFlows)
        #expect(stats.flowsEmitted == flows.count)
        if maxFlows == 64 { #expect(stats.evictedForCapacity > 0) }
        if maxFlows == 1 << 20 { #expect(flows.count == hosts.count && stats.evictedForCapacity == 0) }
        #expect(flows.allSatisfy { $0.serverPort == 1883 })
    }

    @Test func memoryPerFlowIsUnder200Bytes() {
        #expect(FlowTable.bytesPerFlow < 200)
    }
}

import Packets

/// Fragment reassembly: in-order, out-of-order, overlapping and never-completed
/// fragments, and a mutation test over fragment headers.
@Suite struct FragmentReassemblyTests {
    /// An IPv4 fragment of a UDP datagram (payload offset `offset`, in 8-byte units).
    static func fragment(id: UInt16, offset: Int, more: Bool, data: [UInt8]) -> [UInt8] {
        let total = 20 + data.count
        let flags = UInt16(offset / 8) | (more ? 0x2000 : 0)
        return [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), UInt8(id >> 8), UInt8(id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF),
                64, 17, 0, 0, 10, 0, 0, 1, 198, 51, 100, 7] + data
    }

    static let datagram: [UInt8] = [0x13, 0x88, 0x00, 0x35, 0, 40, 0, 0] + (0 ..< 32).map { UInt8($0) }  // UDP 5000 -> 53, 32 bytes

    func feed(_ frames: [[UInt8]], _ r: inout FragmentReassembler) -> [[UInt8]] {
        var done: [[UInt8]] = []
        var p = DecodedPacket()
        for (i, f) in frames.enumerated() {
            f.withUnsafeBytes { b in
                PacketDecoder.decode(b, linkType: .raw, into: &p)
                guard p.fragment.isFragment else { return }
                r.add(p, frame: b, time: Int64(i)) { bytes, _ in done.append(Array(bytes)) }
            }
        }
        return done
    }

    @Test func reassemblesInAnyOrder() {
        let d = Self.datagram
        let a = Self.fragment(id: 1, offset: 0, more: true, data: Array(d[0 ..< 16]))
        let b = Self.fragment(id: 1, offset: 16, more: true, data: Array(d[16 ..< 32]))
        let c = Self.fragment(id: 1, offset: 32, more: false, data: Array(d[32...]))
        for order in [[a, b, c], [c, a, b], [b, c, a]] {
            var r = FragmentReassembler()
            #expect(feed(order, &r) == [d])
            #expect(r.stats.reassembled == 1 && r.pendingCount == 0)
        }
        // Overlapping fragments are counted; the bytes that arrived first are kept.
        var r = FragmentReassembler()
        let dup = Self.fragment(id: 1, offset: 8, more: true, data: [UInt8](repeating: 0xEE, count: 16))
        var expected = d
        expected.replaceSubrange(16 ..< 24, with: [UInt8](repeating: 0xEE, count: 8))
        #expect(feed([a, dup, b, c], &r) == [expected])
        #expect(r.stats.overlaps == 2)
        // Never completed: counted at the end.
        var q = FragmentReassembler()
        #expect(feed([a, c], &q).isEmpty)
        q.finish()
        #expect(q.stats.incomplete == 1)
    }

    @Test func mutatedFragmentsStayBounded() {
        var rng: UInt64 = 17
        func next() -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int(rng >> 33) }
        var r = FragmentReassembler()
        for round in 0 ..< 3000 {
            let id = UInt16(next() % 50)
            var f = Self.fragment(id: id, offset: (next() % 9000) & ~7, more: next() % 3 != 0,
                                  data: [UInt8](repeating: UInt8(round & 0xFF), count: next() % 64))
            if next() % 4 == 0 { f[next() % f.count] ^= UInt8(1 << (next() % 8)) }
            _ = feed([f], &r)
            #expect(r.pendingCount <= FragmentLimits.maxPending)
        }
        r.finish()
        #expect(r.stats.fragments > 0)
    }
}
