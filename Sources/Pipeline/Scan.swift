import Flows
#if canImport(Glibc)
import Glibc
#endif
import Policy
import Synchronization
import Verdicts
import WireBytes

/// One device → server conversation across the border, aggregated (the evidence
/// report's data-flow diagram, and registry coverage).
public struct CrossBorderEdge: Hashable, Sendable, Comparable, Codable {
    public var device: IPAddress
    public var server: IPAddress

    public init(device: IPAddress, server: IPAddress) {
        self.device = device
        self.server = server
    }

    public static func < (a: CrossBorderEdge, b: CrossBorderEdge) -> Bool { (a.device, a.server) < (b.device, b.server) }

    /// Looked up per cross-border flow: `WordHash`, not `Hasher`.
    public func _rawHashValue(seed: Int) -> Int {
        WordHash.finish(WordHash.combine(WordHash.combine(device.high, device.low) &+ server.high, server.low), seed: seed)
    }
}

public struct CrossBorderTraffic: Sendable, Equatable, Codable {
    public var country: String
    /// The worst registry status any of the flows had (unregistered before expired,
    /// before purpose-mismatch, before registered): order-independent, so merges agree.
    public var registry: RegistryStatus
    /// Names the server was reached by, as many as a finding keeps.
    public var hostnames = BoundedSet<String>(limit: Finding.maxHostnames)
    public var apps: Set<AppProtocol> = []
    /// What the flows carried, and the catalogue services that said so (as many as a
    /// finding keeps of its names).
    public var categories: Set<PayloadCategory> = []
    public var services = BoundedSet<String>(limit: Finding.maxHostnames)
    public var flows = 0
    public var bytes: UInt64 = 0

    public init(country: String, registry: RegistryStatus) {
        self.country = country
        self.registry = registry
    }

    mutating func note(registry status: RegistryStatus) {
        registry = max(registry, status)
    }

    enum CodingKeys: String, CodingKey { case country, registry, hostnames, hostnamesTruncated, apps, categories, services, flows, bytes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        country = try c.decode(String.self, forKey: .country)
        registry = try c.decode(RegistryStatus.self, forKey: .registry)
        hostnames = BoundedSet(try c.decode([String].self, forKey: .hostnames), limit: Finding.maxHostnames,
                               truncated: try c.decodeIfPresent(Bool.self, forKey: .hostnamesTruncated) ?? false)
        apps = try c.decode(Set<AppProtocol>.self, forKey: .apps)
        categories = try c.decodeIfPresent(Set<PayloadCategory>.self, forKey: .categories) ?? []
        services = BoundedSet(try c.decodeIfPresent([String].self, forKey: .services) ?? [], limit: Finding.maxHostnames)
        flows = try c.decode(Int.self, forKey: .flows)
        bytes = try c.decode(UInt64.self, forKey: .bytes)
    }

    /// Sets written sorted, so a saved result is the same bytes for the same input.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(country, forKey: .country)
        try c.encode(registry, forKey: .registry)
        try c.encode(hostnames.sorted(), forKey: .hostnames)
        if hostnames.isTruncated { try c.encode(true, forKey: .hostnamesTruncated) }
        try c.encode(apps.sortedNames, forKey: .apps)
        try c.encode(categories.sortedNames, forKey: .categories)
        if !services.isEmpty { try c.encode(services.sorted(), forKey: .services) }
        try c.encode(flows, forKey: .flows)
        try c.encode(bytes, forKey: .bytes)
    }

    mutating func add(_ r: FlowRecord) {
        note(registry: r.registry)
        if let h = r.hostname { hostnames.insert(h) }
        apps.insertOften(r.app)
        categories.insertOften(r.category)
        if let v = r.service { services.insert(v) }
        flows += 1
        bytes &+= r.flow.bytesToServer &+ r.flow.bytesToClient
    }

    mutating func merge(_ o: CrossBorderTraffic) {
        note(registry: o.registry)
        hostnames.formUnion(o.hostnames)
        apps.formUnion(o.apps)
        categories.formUnion(o.categories)
        services.formUnion(o.services)
        flows.addSaturating(o.flows)
        bytes.addSaturating(o.bytes)
    }
}

/// The main job over a set of inputs: flows from packets, judged by the policy,
/// findings aggregated as flows end. Flow records are kept only when asked for.
/// Results of disjoint inputs merge (`merge`) into what one run over all of them
/// gives, so workers, shards and resumed runs all end in the same report.
public struct ScanResult: Sendable {
    public var inputs: [InputScan] = []
    /// Each input's position in the full, expanded input list (a shard or a resumed
    /// run holds a subset); the same length as `inputs`.
    public var inputIndexes: [Int] = []
    public var findings = FindingAggregator()
    public var flowCount = 0
    public var crossBorderFlows = 0
    public var packets = 0
    /// Every flow, when `keepFlows` was set (for --include-flows and the maintenance log).
    public var flows: [FlowRecord] = []
    /// Remote-maintenance sessions across the border (the retention record).
    public var maintenanceSessions: [FlowRecord] = []
    public var registryEntriesUsed: Set<String> = []
    /// Cross-border conversations per device and server: at most `AggregateLimits.edges`
    /// pairs (the smallest), the flows of the others counted in `limits`.
    public var crossBorder: [CrossBorderEdge: CrossBorderTraffic] = [:]
    /// Devices on the home side: at most `deviceLimit` (the smallest addresses), the
    /// flows of the others counted in `limits`.
    public var devices: [IPAddress: DeviceSummary] = [:]
    public var deviceLimit = AggregateLimits.devices
    /// Names devices gave themselves, by address (the inputs' names, joined).
    public var deviceNames: [IPAddress: [String]] = [:]
    private var keptDevices = SmallestKeys<IPAddress>()
    /// What the size limits on these aggregates left out.
    public var limits = AggregateLimits()
    /// The limits themselves (smaller in tests).
    public var edgeLimit = AggregateLimits.edges
    public var sessionLimit = AggregateLimits.maintenanceSessions
    private var keptEdges = SmallestKeys<CrossBorderEdge>()
    /// After a trim, sessions ordered after this one are not kept.
    private var sessionCeiling: FlowRecord?

    public init() {}

    /// The order of flows and maintenance sessions in reports.
    static func before(_ a: FlowRecord, _ b: FlowRecord) -> Bool {
        (a.input, a.flow.first, a.flow.client, a.flow.clientPort, a.flow.server, a.flow.serverPort)
            < (b.input, b.flow.first, b.flow.client, b.flow.clientPort, b.flow.server, b.flow.serverPort)
    }

    private mutating func admitsEdge(_ edge: CrossBorderEdge) -> Bool {
        guard crossBorder.count >= edgeLimit else { return true }
        let (admitted, evicted) = keptEdges.admit(edge, into: &crossBorder)
        if let evicted { limits.crossBorderFlowsLeftOut.addSaturating(evicted.flows) }
        return admitted
    }

    private mutating func admitsDevice(_ a: IPAddress) -> Bool {
        guard devices.count >= deviceLimit else { return true }
        let (admitted, evicted) = keptDevices.admit(a, into: &devices)
        if let evicted { limits.deviceFlowsLeftOut.addSaturating(evicted.flows) }
        return admitted
    }

    private mutating func addDevice(_ r: FlowRecord) {
        guard r.source == .packets else { return }
        let (address, mac) = DeviceSummary.side(of: r)
        guard !DeviceSummary.isUnspecified(address) else { return }
        if devices.count >= deviceLimit, devices[address] == nil, !admitsDevice(address) {
            limits.deviceFlowsLeftOut.addSaturating(1)
            return
        }
        devices[address, default: DeviceSummary(address: address)].add(r, mac: mac)
    }

    /// An input's device names (its packet path's), joined to those already here.
    public mutating func addNames(_ stats: PacketStats) {
        for (a, names) in stats.deviceNames { addNames(a, names) }
    }

    mutating func addNames(_ a: IPAddress, _ names: [String]) {
        let merged = Set((deviceNames[a] ?? []) + names).sorted()
        // As many as one input keeps per device, the smallest; the addresses as the devices list.
        guard deviceNames[a] != nil || deviceNames.count < deviceLimit else { return }
        deviceNames[a] = Array(merged.prefix(PacketStats.maxNamesPerDevice))
    }

    /// Keeps the first `sessionLimit` sessions in report order;
    /// trimmed when twice as many have gathered, so that a trim (a sort) is rare.
    private mutating func keepSession(_ r: FlowRecord) {
        if let c = sessionCeiling, !ScanResult.before(r, c) {
            limits.maintenanceSessionsLeftOut.addSaturating(1)
            return
        }
        maintenanceSessions.append(r)
        if maintenanceSessions.count > 2 * sessionLimit { trimSessions() }
    }

    private mutating func trimSessions() {
        guard maintenanceSessions.count > sessionLimit else { return }
        maintenanceSessions.sort(by: ScanResult.before)
        limits.maintenanceSessionsLeftOut.addSaturating(maintenanceSessions.count - sessionLimit)
        maintenanceSessions.removeSubrange(sessionLimit...)
        sessionCeiling = maintenanceSessions.last
    }

    public var hasInputErrors: Bool { inputs.contains { $0.summary.hasErrors } }

    /// Judges one finished flow and adds it to the aggregates.
    public mutating func add(_ record: consuming FlowRecord, policy: Policy, keepFlows: Bool) {
        var r = record
        let verdict = policy.judge(&r)
        flowCount += 1
        if r.crossBorder {
            crossBorderFlows += 1
            let edge = CrossBorderEdge(device: r.flow.client, server: r.flow.server)
            if crossBorder.count >= edgeLimit, crossBorder[edge] == nil, !admitsEdge(edge) {
                limits.crossBorderFlowsLeftOut.addSaturating(1)
            } else {
                // In place: no copy of the edge's name sets per flow.
                crossBorder[edge, default: CrossBorderTraffic(country: r.serverCountry ?? "", registry: r.registry)].add(r)
            }
        }
        if let entry = verdict.registryEntry { registryEntriesUsed.insert(entry) }
        if !verdict.rules.isEmpty { findings.add(r, rules: verdict.rules, registryEntry: verdict.registryEntry) }
        // The maintenance log: remote-maintenance sessions, and tunnels abroad (the way
        // vendors usually reach equipment; what they carry is not known).
        if verdict.rules.contains(.remoteMaintenance) || verdict.rules.contains(.inboundRemoteMaintenance)
            || (r.crossBorder && r.category == .tunnel) {
            keepSession(r)
        }
        addDevice(r)
        if keepFlows { flows.append(r) }
    }

    /// Adds the result of inputs that come after every input already here (in the
    /// full input order): the outcome equals one run over both.
    public mutating func merge(_ o: ScanResult) {
        inputs += o.inputs
        inputIndexes += o.inputIndexes
        findings.merge(o.findings)
        flowCount.addSaturating(o.flowCount)
        crossBorderFlows.addSaturating(o.crossBorderFlows)
        packets.addSaturating(o.packets)
        flows += o.flows
        limits.merge(o.limits)
        for r in o.maintenanceSessions { keepSession(r) }
        registryEntriesUsed.formUnion(o.registryEntriesUsed)
        for (a, names) in o.deviceNames { addNames(a, names) }
        for (k, v) in o.devices {
            if devices[k] != nil {
                devices[k]!.merge(v)
            } else if admitsDevice(k) {
                devices[k] = v
            } else {
                limits.deviceFlowsLeftOut.addSaturating(v.flows)
            }
        }
        for (k, v) in o.crossBorder {
            if crossBorder[k] != nil {
                crossBorder[k]!.merge(v)
            } else if admitsEdge(k) {
                crossBorder[k] = v
            } else {
                limits.crossBorderFlowsLeftOut.addSaturating(v.flows)
            }
        }
    }

    /// A stable order whatever order flows ended in.
    public mutating func finish() {
        flows.sort(by: ScanResult.before)
        trimSessions()
        maintenanceSessions.sort(by: ScanResult.before)
    }

    /// Flows of findings beyond the findings limit.
    public var findingFlowsLeftOut: Int { findings.flowsLeftOut }

    /// Each aggregate limit this result reached, for every report to state.
    public var limitsReached: [LimitReached] {
        var out: [LimitReached] = []
        if findings.flowsLeftOut > 0 {
            out.append(LimitReached(aggregate: "findings", limit: findings.limit, leftOut: findings.flowsLeftOut,
                                    text: "findings limit (\(findings.limit)) reached: \(findings.flowsLeftOut) flows with a finding are in none of the report's findings; their verdicts are not reported (scan fewer inputs per run, or split by server)"))
        }
        if limits.crossBorderFlowsLeftOut > 0 {
            out.append(LimitReached(aggregate: "crossBorderPairs", limit: edgeLimit, leftOut: limits.crossBorderFlowsLeftOut,
                                    text: "device and server pair limit (\(edgeLimit)) reached: \(limits.crossBorderFlowsLeftOut) cross-border flows are missing from the data-flow diagram and registry coverage (findings and counts still include them)"))
        }
        if limits.deviceFlowsLeftOut > 0 {
            out.append(LimitReached(aggregate: "devices", limit: deviceLimit, leftOut: limits.deviceFlowsLeftOut,
                                    text: "device limit (\(deviceLimit)) reached: \(limits.deviceFlowsLeftOut) flows of further devices are missing from the devices list (findings and counts still include them)"))
        }
        if limits.maintenanceSessionsLeftOut > 0 {
            out.append(LimitReached(aggregate: "maintenanceSessions", limit: sessionLimit, leftOut: limits.maintenanceSessionsLeftOut,
                                    text: "maintenance log limit (\(sessionLimit) sessions) reached: the \(limits.maintenanceSessionsLeftOut) latest sessions are not in the log (their findings still count them)"))
        }
        return out
    }
}

/// An aggregate that reached its size limit, and what it left out.
public struct LimitReached: Sendable, Equatable {
    /// `findings`, `crossBorderPairs` or `maintenanceSessions`.
    public var aggregate: String
    public var limit: Int
    /// Flows (or sessions) left out.
    public var leftOut: Int
    /// One line for people.
    public var text: String
}

/// How much of each aggregate a scan keeps, and what it left out beyond that. The
/// limits bound memory under floods of invented addresses; anything left out is
/// counted here and stated by every report.
public struct AggregateLimits: Sendable, Equatable, Codable {
    /// Device and server pairs in `crossBorder` (the diagram and registry coverage).
    public static let edges = 262_144
    /// Remote-maintenance sessions in the maintenance log.
    public static let maintenanceSessions = 262_144
    /// Devices on the home side in the devices list.
    public static let devices = 65_536

    /// Cross-border flows whose device and server pair was not kept.
    public var crossBorderFlowsLeftOut = 0
    /// Maintenance sessions beyond the limit (the latest in report order).
    public var maintenanceSessionsLeftOut = 0
    /// Flows of devices beyond the devices limit.
    public var deviceFlowsLeftOut = 0

    public init() {}

    public var isEmpty: Bool { crossBorderFlowsLeftOut == 0 && maintenanceSessionsLeftOut == 0 && deviceFlowsLeftOut == 0 }

    mutating func merge(_ o: AggregateLimits) {
        crossBorderFlowsLeftOut.addSaturating(o.crossBorderFlowsLeftOut)
        maintenanceSessionsLeftOut.addSaturating(o.maintenanceSessionsLeftOut)
        deviceFlowsLeftOut.addSaturating(o.deviceFlowsLeftOut)
    }
}

/// What a scan tells an observer (the progress display) as it goes.
public final class ScanProgress: Sendable {
    public let inputsDone = Atomic<Int>(0)
    /// Bytes of inputs finished, plus bytes read so far of inputs in progress.
    public let bytesRead = Atomic<Int>(0)
    public let packets = Atomic<Int>(0)
    /// Distinct findings (rule and server) of the inputs done: one seen in many inputs
    /// counts once, as in the report.
    let findingKeys = Mutex<Set<FindingAggregator.FindingKey>>([])

    public init() {}

    public var findings: Int { findingKeys.withLock { $0.count } }

    func noteFindings(_ f: FindingAggregator) {
        findingKeys.withLock { $0.formUnion(f.findings.keys) }
    }
}

/// Tells a `ScanProgress` what a reader got through in steps of 8192 packets (one
/// atomic add each), not per packet.
struct ProgressSteps {
    let progress: ScanProgress?
    /// Offset up to which bytes were told.
    var reported: Int
    var packets = 0

    init(_ progress: ScanProgress?, from offset: Int = 0) {
        self.progress = progress
        reported = offset
    }

    @inline(__always)
    mutating func packet(at offset: Int) {
        packets += 1
        if packets == 8192 {
            progress?.bytesRead.add(offset - reported, ordering: .relaxed)
            progress?.packets.add(packets, ordering: .relaxed)
            reported = offset
            packets = 0
        }
    }

    /// The reader is done at `end`: the rest is told.
    func finish(at end: Int) {
        progress?.bytesRead.add(max(0, end - reported), ordering: .relaxed)
        progress?.packets.add(packets, ordering: .relaxed)
    }
}

public enum Scan {
    /// Scans `inputs` with up to `jobs` workers, one input at a time per worker.
    /// `indexes` are the inputs' positions in the full input list (default 0...);
    /// `onInputDone` sees each input's own result as it completes (from any worker).
    public static func run(_ inputs: [InputSource], indexes: [Int]? = nil, policy: Policy,
                           config: FlowTableConfig = FlowTableConfig(), keepFlows: Bool = false, jobs: Int = 1,
                           segmentBytes: Int = CaptureSegments.segmentBytes,
                           progress: ScanProgress? = nil,
                           onInputDone: (@Sendable (Int, ScanResult) -> Void)? = nil) -> ScanResult {
        let indexes = indexes ?? Array(inputs.indices)
        precondition(indexes.count == inputs.count)
        let done: @Sendable (Int, ScanResult) -> ScanResult = { position, part in
            progress?.noteFindings(part.findings)
            progress?.inputsDone.add(1, ordering: .relaxed)
            onInputDone?(indexes[position], part)
            return part
        }
        let one: @Sendable (Int) -> ScanResult = { position in
            var part = ScanResult()
            let global = indexes[position]
            let scan = FlowScan.runOne(inputs[position], index: global, config: config, segmentBytes: segmentBytes,
                                       progress: progress) { record in
                part.add(record, policy: policy, keepFlows: keepFlows)
            }
            part.inputs = [scan]
            part.addNames(scan.stats)
            part.inputIndexes = [global]
            part.packets = scan.summary.packets
            part.finish()
            return done(position, part)
        }
        // Work items: whole inputs, and the segments of large uncompressed captures when
        // there is more than one worker (read in parallel, stitched in order).
        var items: [(position: Int, segment: Int)] = []
        var slots: [SplitSlot?] = Array(repeating: nil, count: inputs.count)
        for p in inputs.indices {
            let segments = jobs > 1 ? Self.segmentCount(inputs[p], segmentBytes: segmentBytes) : 1
            if segments > 1 {
                let input = inputs[p], global = indexes[p]
                slots[p] = SplitSlot {
                    SplitScan(input, index: global, segments: segments, config: config, policy: policy, keepFlows: keepFlows,
                              segmentBytes: segmentBytes, progress: progress)
                }
                for k in 0 ..< segments { items.append((p, k)) }
            } else {
                items.append((p, -1))
            }
        }
        let splits = slots
        let work = items
        let parts = Parallel.map(count: work.count, workers: jobs) { i -> ScanResult? in
            let (position, segment) = work[i]
            guard segment >= 0, let slot = splits[position] else { return one(position) }
            guard let split = slot.scan() else { return segment == 0 ? one(position) : nil }
            guard let part = split.run(segment: segment) else { return nil }
            slot.close()
            return done(position, part)
        }
        // Merged in input order, so the report does not depend on which worker finished first.
        var result = ScanResult()
        for case let p? in parts { result.merge(p) }
        result.finish()
        return result
    }

    /// Segments of a capture file by its size (1 for anything else).
    static func segmentCount(_ input: InputSource, segmentBytes: Int) -> Int {
        guard case let .file(path) = input else { return 1 }
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return 1 }
        return max(1, (Int(st.st_size) + segmentBytes - 1) / segmentBytes)
    }
}
