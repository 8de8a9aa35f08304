import CaptureFormats
import FlowLogs
import Flows
import Inspection
import Packets
import WireBytes

/// Counters of what the packet path met, per input: reported, never dropped silently.
public struct PacketStats: Sendable, Equatable {
    /// Adds the counters of the next segment of the same input.
    public mutating func add(_ o: PacketStats) {
        packets += o.packets
        flowPackets += o.flowPackets
        nonIP += o.nonIP
        decodeStops.merge(o.decodeStops, uniquingKeysWith: +)
        tunnelled += o.tunnelled
        fragments.add(o.fragments)
        flows.add(o.flows)
        flowLogs.add(o.flowLogs)
        dnsNamesDropped += o.dnsNamesDropped
        dnsNameLimit = max(dnsNameLimit, o.dnsNameLimit)
        for (a, names) in o.deviceNames { for n in names { noteDeviceName(a, n) } }
        deviceNamesDropped += o.deviceNamesDropped
    }

    /// Names devices gave themselves (DHCP, NetBIOS), by address: at most
    /// `maxDeviceNameAddresses` addresses and `maxNamesPerDevice` names each.
    public var deviceNames: [IPAddress: [String]] = [:]
    /// Names not kept because those limits were reached.
    public var deviceNamesDropped = 0
    public static let maxDeviceNameAddresses = 4096
    public static let maxNamesPerDevice = 4

    public mutating func noteDeviceName(_ address: IPAddress, _ name: String) {
        if var names = deviceNames[address] {
            guard !names.contains(name) else { return }
            guard names.count < PacketStats.maxNamesPerDevice else { deviceNamesDropped += 1; return }
            names.append(name)
            deviceNames[address] = names.sorted()
        } else {
            guard deviceNames.count < PacketStats.maxDeviceNameAddresses else { deviceNamesDropped += 1; return }
            deviceNames[address] = [name]
        }
    }

    /// What the stitcher did: conversations joined across segment boundaries were
    /// counted once per segment; flows it evicted and DNS answers it dropped are added.
    public mutating func noteStitching(_ counts: StitchCounts) {
        flows.flowsCreated -= counts.joins
        flows.flowsEmitted -= counts.joins
        flows.evictedForCapacity += counts.evicted
        flows.evictedAcrossSegments += counts.evicted
        dnsNamesDropped += counts.dnsNamesDropped
    }

    public var packets = 0
    /// Packets that reached a flow (IP with a transport, or reassembled).
    public var flowPackets = 0
    /// Frames without IP (ARP, LLDP, PPP control ...).
    public var nonIP = 0
    /// Frames cut or malformed before their transport header (by layer name).
    public var decodeStops: [String: Int] = [:]
    public var tunnelled = 0
    public var fragments = FragmentStats()
    public var flows = FlowTableStats()
    /// NetFlow/IPFIX export messages found in packets (or a raw flow-log file).
    public var flowLogs = FlowLogStats()
    /// DNS answers not kept because the name map held `dnsNameLimit` addresses already.
    public var dnsNamesDropped = 0
    public var dnsNameLimit = 0

    public init() {}
}

/// The per-packet path of one worker: decode, decapsulate tunnels, reassemble
/// fragments, add to the flow table, inspect the first payloads; finished flows come
/// out as `FlowRecord`s through `emit`. Allocation-free per packet in steady state.
public struct PacketPipeline: ~Copyable {
    public var table: FlowTable
    public var engine = InspectionEngine()
    public var reassembler = FragmentReassembler()
    /// Export packets seen inside the capture are decoded too: their records are flows.
    public var flowLogs = FlowLogDecoder()
    public var stats = PacketStats()
    /// Whether payloads are inspected (off: flows alone, to measure what inspection costs).
    public var inspects = true
    public let input: Int
    /// Position of the segment this pipeline reads in a capture read in segments
    /// (0: the first, or a capture read whole). Later segments hand flows that may go
    /// on from before, or need earlier DNS answers, to the stitcher (`handover`).
    public let segment: Int
    var handover = SegmentHandover()
    var started = false
    /// The packet being handled, decoded in place. Behind a pointer the pipeline owns,
    /// so later steps read its fields where they are instead of copying ~200 bytes per
    /// packet (a stored struct passed to a mutating method is copied first).
    let decoded: UnsafeMutablePointer<DecodedPacket>
    var lastTime: Int64 = 0
    /// Reused: flows the table ended during one `add` (behind a pointer, like
    /// `decoded`: the table's callback appends to it while the table is being
    /// mutated, and swapping a stored array in and out cost a release per packet),
    /// and a reassembled datagram.
    let ended: UnsafeMutablePointer<[FlowState]>
    var datagram: [UInt8] = []

    public init(input: Int = 0, config: FlowTableConfig = FlowTableConfig(), segment: Int = 0) {
        self.input = input
        self.segment = segment
        table = FlowTable(config: config)
        engine.dnsNames = DNSNameMap(limit: config.dnsNames)
        stats.dnsNameLimit = config.dnsNames
        decoded = .allocate(capacity: 1)
        decoded.initialize(to: DecodedPacket())
        ended = .allocate(capacity: 1)
        ended.initialize(to: [])
    }

    deinit {
        decoded.deinitialize(count: 1)
        decoded.deallocate()
        ended.deinitialize(count: 1)
        ended.deallocate()
    }

    /// Emits the flows the table ended during the last call, in the order they ended.
    mutating func emitEnded(emit: (consuming FlowRecord) -> Void) {
        let ended = self.ended
        var k = 0
        while k < ended.pointee.count {
            emitFlow(ended.pointee[k], emit: emit)
            k += 1
        }
        ended.pointee.removeAll(keepingCapacity: true)
    }

    /// Handles one captured packet.
    public mutating func process(_ r: PacketRecord, emit: (consuming FlowRecord) -> Void) {
        stats.packets += 1
        let time = r.timestamp == PacketRecord.noTimestamp ? lastTime : r.timestamp
        lastTime = time
        if !started {
            started = true
            // Active-timeout windows count from the input's first packet: later
            // segments are given it (`table.setActiveOrigin`) before they start.
            if segment == 0 { table.setActiveOrigin(time) }
            if segment > 0 { table.markHeads(from: time) }
        }
        let decoded = self.decoded
        PacketDecoder.decode(r.data, linkType: r.linkType, into: &decoded.pointee)
        var tunnelled = false
        var depth = 0
        while depth < Tunnels.maxDepth, decoded.pointee.stop == nil, Tunnels.decapsulate(r.data, &decoded.pointee) {
            tunnelled = true
            depth += 1
        }
        if tunnelled { stats.tunnelled += 1 }
        guard decoded.pointee.network == .ipv4 || decoded.pointee.network == .ipv6 else {
            if let stop = decoded.pointee.stop, decoded.pointee.network == .none {
                stats.decodeStops[stop.layer.rawValue, default: 0] += 1
            } else {
                stats.nonIP += 1
            }
            return
        }
        if decoded.pointee.fragment.isFragment {
            // The closure fills a local buffer (moved out of self, so no copy of the
            // array and no overlapping access); fragments are rare, the copy is bounded.
            var buffer: [UInt8] = []
            swap(&buffer, &datagram)
            var completedBytes = -1
            reassembler.add(decoded.pointee, frame: r.data, time: time) { bytes, ipBytes in
                buffer.removeAll(keepingCapacity: true)
                buffer.append(contentsOf: bytes)
                completedBytes = ipBytes
            }
            if completedBytes >= 0 {
                var inner = decoded.pointee
                buffer.withUnsafeBytes { bytes in
                    PacketDecoder.decodeTransport(protocol: inner.ipProtocol, bytes, into: &inner)
                    inner.ipLength = completedBytes
                    inner.fragment = FragmentInfo()
                    let payload = inner.payload(in: bytes)
                    withUnsafePointer(to: &inner) { addToFlow($0, payload: payload, time: time, tunnelled: tunnelled, emit: emit) }
                }
            }
            swap(&buffer, &datagram)
            return
        }
        if let stop = decoded.pointee.stop, !decoded.pointee.hasTransport,
           decoded.pointee.ipProtocol == IPProtocolNumber.tcp || decoded.pointee.ipProtocol == IPProtocolNumber.udp {
            // IP without its transport header (cut by the snap length): ports unknown.
            stats.decodeStops[stop.layer.rawValue, default: 0] += 1
        }
        addToFlow(decoded, payload: decoded.pointee.payload(in: r.data), time: time, tunnelled: tunnelled, emit: emit)
    }

    mutating func addToFlow(_ packet: UnsafePointer<DecodedPacket>, payload: UnsafeRawBufferPointer, time: Int64, tunnelled: Bool,
                            emit: (consuming FlowRecord) -> Void) {
        stats.flowPackets += 1
        // The few fields used are read through the pointer: no copy of the whole packet.
        let proto = packet.pointee.ipProtocol, hasTransport = packet.pointee.hasTransport
        let sourcePort = hasTransport ? packet.pointee.sourcePort : 0
        let destinationPort = hasTransport ? packet.pointee.destinationPort : 0
        let fp = FlowPacket(timestamp: time, source: packet.pointee.source, destination: packet.pointee.destination,
                            sourcePort: sourcePort, destinationPort: destinationPort,
                            ipProtocol: proto, vlan: packet.pointee.outerVLAN, ipLength: packet.pointee.ipLength,
                            tcpFlags: proto == IPProtocolNumber.tcp ? packet.pointee.tcpFlags : 0, tunnelled: tunnelled)
        let ended = self.ended
        let (index, fromInitiator) = table.add(fp) { ended.pointee.append($0) }
        let mac = packet.pointee.sourceMAC
        if mac != 0 { table.noteMAC(mac, at: index, fromInitiator: fromInitiator) }
        if !ended.pointee.isEmpty { emitEnded(emit: emit) }
        guard payload.count > 0, hasTransport, proto == IPProtocolNumber.tcp || proto == IPProtocolNumber.udp else { return }
        let transport: Transport = proto == IPProtocolNumber.tcp ? .tcp : .udp
        // Names devices announce on the local network: DHCP (67, 68), NetBIOS (137), mDNS (5353).
        if transport == .udp {
            if sourcePort == 68 || destinationPort == 68 || sourcePort == 67 && destinationPort == 67 {
                if let c = DeviceNames.dhcp(payload) { stats.noteDeviceName(c.address, c.name) }
            } else if sourcePort == 137 || destinationPort == 137 {
                if let c = DeviceNames.netbios(payload) { stats.noteDeviceName(c.address, c.name) }
            } else if sourcePort == 5353 {
                if let c = DeviceNames.mdns(payload, source: packet.pointee.source) { stats.noteDeviceName(c.address, c.name) }
            }
        }
        if transport == .udp, FlowLogDecoder.looksLikeExport(payload) != nil {
            let exporter = packet.pointee.source
            let input = self.input
            var decoder = FlowLogDecoder()
            swap(&decoder, &flowLogs)
            decoder.decode(payload, exporter: exporter) { emit(FlowLogConversion.record($0, input: input)) }
            swap(&decoder, &flowLogs)
        }
        guard inspects else { return }
        table.withInspection(at: index) { state in
            if state.done { return }
            engine.inspect(&state, payload: payload, transport: transport, fromInitiator: fromInitiator,
                           sourcePort: sourcePort, destinationPort: destinationPort,
                           sequence: transport == .tcp ? packet.pointee.tcpSequence : nil)
        }
    }

    mutating func emitFlow(_ f: FlowState, emit: (consuming FlowRecord) -> Void) {
        var state = f.inspection
        engine.releaseStream(&state)
        let hostname = engine.hostname(of: state, server: f.server)
        if segment > 0 {
            let own = engine.ownName(of: state)
            if f.isSegmentHead || hostname == nil {
                var s = f
                state.hostname = 0
                s.inspection = state
                handover.ended.append(SegmentFlow(state: s, ownName: own, dnsName: own == nil ? hostname : nil))
                return
            }
        }
        emit(PacketPipeline.record(f, inspection: state, hostname: hostname, input: input))
    }

    /// The flow record (docs/contract.md) of a finished flow.
    public static func record(_ f: FlowState, inspection state: InspectionState, hostname: String?, input: Int) -> FlowRecord {
        let oriented = f.oriented
        var app = state.app, category = state.effectiveCategory
        var evidence = state.categoryEvidence, offered = state.offered
        // ESP and AH carry no ports and no payload to inspect: the IP header's protocol
        // number is the evidence that the flow is IPsec.
        if app == .unknown, oriented.ipProtocol == 50 || oriented.ipProtocol == 51 {
            app = .ipsec
            category = CategoryRules.category(of: .ipsec)
            evidence = .payload
        }
        // Encrypted, offering nothing known: a secure protocol's port is a hint of what it carries.
        if offered == .unknown, state.category == .unknown, app == .tls || app == .dtls || app == .quic,
           let hinted = CategoryRules.securePorts[oriented.serverPort] {
            offered = hinted
            category = CategoryRules.category(of: hinted)
            evidence = .port
        }
        var r = FlowRecord(flow: oriented, source: .packets, app: app, category: category, hostname: hostname, input: input)
        r.categoryEvidence = evidence
        r.offered = offered
        return r
    }

    /// End of a segment (not of the input): what the stitcher needs; the pipeline is
    /// done after this (its counters are in `stats`).
    public mutating func endSegment() -> SegmentHandover {
        reassembler.finish()
        handover.live.reserveCapacity(table.count)
        table.drainLive { f in
            var s = f
            let own = engine.ownName(of: f.inspection)
            engine.releaseStream(&s.inspection)
            s.inspection.hostname = 0
            handover.live.append(SegmentFlow(state: s, ownName: own, dnsName: nil))
        }
        handover.names = engine.dnsNameStrings()
        handover.clock = table.now
        noteCounters()
        var out = SegmentHandover()
        swap(&out, &handover)
        return out
    }

    /// Time passes without packets (live capture): flows idle past their timeout are
    /// emitted. `time` is in the packets' clock (ns since the epoch).
    public mutating func advance(to time: Int64, emit: (consuming FlowRecord) -> Void) {
        let ended = self.ended
        table.advance(to: time) { ended.pointee.append($0) }
        emitEnded(emit: emit)
    }

    /// End of input: every live flow is emitted.
    public mutating func finish(emit: (consuming FlowRecord) -> Void) {
        reassembler.finish()
        var ended: [FlowState] = []
        table.flush { ended.append($0) }
        for f in ended { emitFlow(f, emit: emit) }
        noteCounters()
    }

    /// The counters of the parts, into `stats` (the pipeline's work is done).
    private mutating func noteCounters() {
        stats.fragments = reassembler.stats
        stats.flows = table.stats
        stats.flowLogs = flowLogs.stats
        stats.dnsNamesDropped = engine.dnsNames.dropped
    }
}

