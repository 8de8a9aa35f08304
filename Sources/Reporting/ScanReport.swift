import Flows
import Networks
import Pipeline
import Policy
import Verdicts
import WireBytes

/// Renders a scan: the JSON report of docs/contract.md, NDJSON, CSV, text, SARIF, and the
/// remote-maintenance log.
public struct ScanReport {
    public let result: ScanResult
    public let home: [String]
    public let version: String
    public let includeFlows: Bool
    /// The inputs as reports show them, in input order.
    public let inputs: [ReportInput]
    /// Geo sources and registry the scan used (the evidence report's scope), when known.
    public var scope: ScanScope?
    /// Who runs each finding's server, where a network source knows (set by the caller).
    public var networks: [IPAddress: NetworkInfo] = [:]
    /// Device vendors by Ethernet address (set by the caller).
    public var vendors: OUIRegistry?
    /// An earlier run's findings: each finding is then `new` or `unchanged` (set by the caller).
    public var baseline: Baseline?
    /// `--fail-on`: JUnit output fails the test cases at or above it.
    public var failOn: Severity? = .high

    public init(result: ScanResult, home: [String], version: String, includeFlows: Bool = false, scope: ScanScope? = nil) {
        let inputs = zip(result.inputIndexes, result.inputs).map { ReportInput(index: $0, scan: $1) }
        self.init(result: result, inputs: inputs, home: home, version: version, includeFlows: includeFlows, scope: scope)
    }

    /// A report of a merged result, whose inputs come from partial results.
    public init(result: ScanResult, inputs: [ReportInput], home: [String], version: String, includeFlows: Bool = false,
                scope: ScanScope? = nil) {
        self.result = result
        self.inputs = inputs
        inputPositions = Dictionary(inputs.enumerated().map { ($1.index, $0) }, uniquingKeysWith: { first, _ in first })
        self.home = home
        self.version = version
        self.includeFlows = includeFlows
        self.scope = scope
    }

    /// The report with who runs each finding's server, and the sources that said so in
    /// its scope.
    public func annotated(by directory: NetworkDirectory) -> ScanReport {
        var r = self
        guard !directory.sources.isEmpty else { return r }
        r.networks = directory.infos(for: result.findings.findings.keys.map(\.server))
        r.scope?.networkSources = directory.sources.map(\.source)
        return r
    }

    public var hasInputErrors: Bool { inputs.contains(where: \.hasErrors) }

    /// Position of an input (by its index in the full input list) in `inputs`: a map built
    /// once, since every location of every finding asks (a search would be quadratic).
    let inputPositions: [Int: Int]
    func position(ofInput index: Int) -> Int? { inputPositions[index] }

    static func time(_ ns: Int64) -> JSON { .string(Timestamps.rfc3339(nanoseconds: ns, fractionDigits: 6)) }

    public static func json(_ f: Finding, network: NetworkInfo? = nil, baselineState: BaselineState? = nil) -> JSON {
        var server: [(String, JSON)] = [
            ("ip", .string(f.server.description)),
            ("country", .optional(f.country)),
        ]
        if let note = ServerNotes.countryNote(f, network) { server.append(("countryNote", .string(note))) }
        server += ServerNotes.jsonMembers(network)
        server.append(("hostnames", .array(f.hostnames.sorted().map(JSON.string))))
        // Present only when a list holds the smallest of more values than it keeps.
        if f.hostnames.isTruncated { server.append(("hostnamesTruncated", .bool(true))) }
        var devices: [(String, JSON)] = [("devices", .array(f.devices.sorted().map { .string($0.description) }))]
        if f.devices.isTruncated { devices.append(("devicesTruncated", .bool(true))) }
        return .object([
            ("rule", .string(f.rule.rawValue)),
            ("severity", .string(f.severity.rawValue)),
            ("server", .object(server)),
        ] + devices + [
            ("apps", .array(f.apps.sortedNames.map(JSON.string))),
            ("categories", .array(f.categories.sortedNames.map(JSON.string))),
            ("evidence", .array(f.evidenceTexts.map(JSON.string))),
            ("flows", .int(f.flows)),
            ("bytes", .int(Int64(clamping: f.bytes))),
            ("first", time(f.first)),
            ("last", time(f.last)),
            ("registryEntry", .optional(f.registryEntry)),
            ("fingerprint", .string(fingerprint(f))),
        ] + (baselineState.map { [("baselineState", JSON.string($0.rawValue))] } ?? []))
    }

    /// Every Ethernet address the report may show a vendor for: its devices' and its
    /// maintenance sessions'.
    public var ethernetAddresses: Set<UInt64> {
        var out = Set(result.devices.values.map(\.mac))
        for r in result.maintenanceSessions { out.insert(r.flow.clientMAC); out.insert(r.flow.serverMAC) }
        out.remove(0)
        return out
    }

    /// The devices list, by address.
    public var sortedDevices: [DeviceSummary] { result.devices.values.sorted { $0.address < $1.address } }

    /// The vendor of a device's Ethernet address, when the OUI registry knows it.
    public func vendor(_ mac: UInt64) -> OUIRegistry.Vendor? { mac == 0 ? nil : vendors?.vendor(of: mac) }

    /// "10.0.0.5 (Siemens, 00:1b:1b:..)" for people: the address with what is known of it.
    public func deviceText(_ address: IPAddress) -> String {
        let names = result.deviceNames[address] ?? []
        guard let d = result.devices[address], d.mac != 0 else {
            return names.isEmpty ? address.description : "\(address) (\(names.joined(separator: ", ")))"
        }
        return "\(address) (\((names + [vendor(d.mac)?.name].compactMap { $0 }).map { $0 + ", " }.joined())\(MACAddress.text(d.mac)))"
    }

    func json(_ d: DeviceSummary) -> JSON {
        let v = vendor(d.mac)
        return .object([
            ("ip", .string(d.address.description)),
            ("mac", d.mac == 0 ? .null : .string(MACAddress.text(d.mac))),
            ("vendor", .optional(v?.short)),
            ("vendorName", .optional(v?.name)),
            ("names", .array((result.deviceNames[d.address] ?? []).map(JSON.string))),
            ("flows", .int(d.flows)),
            ("crossBorderFlows", .int(d.crossBorderFlows)),
            ("bytesAbroad", .int(Int64(clamping: d.bytesAbroad))),
            ("first", ScanReport.time(d.first)),
            ("last", ScanReport.time(d.last)),
        ])
    }

    /// A finding as this report shows it: with its network and baseline state.
    func json(_ f: Finding) -> JSON { ScanReport.json(f, network: networks[f.server], baselineState: baselineState(f)) }

    public var findingCounts: [(String, JSON)] {
        var counts: [Rule: Int] = [:]
        for f in result.findings.findings.values { counts[f.rule, default: 0] += 1 }
        return Rule.allCases.compactMap { r in counts[r].map { (r.rawValue, .int($0)) } }
    }

    /// `summary.limitsReached`, present only when an aggregate limit was reached.
    var limitsReachedJSON: [(String, JSON)] {
        let reached = result.limitsReached
        guard !reached.isEmpty else { return [] }
        return [("limitsReached", .array(reached.map { l in
            .object([("aggregate", .string(l.aggregate)), ("limit", .int(l.limit)), ("leftOut", .int(l.leftOut)),
                     ("message", .string(l.text))])
        }))]
    }

    public var json: JSON {
        var members: [(String, JSON)] = [
            ("tool", .object([("name", .string("borderflow")), ("version", .string(version))])),
            ("home", .array(home.map(JSON.string))),
            ("inputs", .array(inputs.map(\.json))),
            ("summary", .object([
                ("packets", .int(result.packets)),
                ("flows", .int(result.flowCount)),
                ("crossBorderFlows", .int(result.crossBorderFlows)),
                ("findings", .object(findingCounts)),
            ] + limitsReachedJSON)),
            ("findings", .array(result.findings.sorted.map(json))),
            ("devices", .array(sortedDevices.map(json))),
        ] + baselineJSON
        if includeFlows { members.append(("flows", .array(result.flows.map { FlowRecordReport.json($0) }))) }
        return .object(members)
    }

    /// One finding per line (flows too, with --include-flows), each with a `type`.
    public var ndjson: String {
        var out = ""
        for f in result.findings.sorted {
            guard case let .object(m) = json(f) else { continue }
            out += JSON.object([("type", .string("finding"))] + m).rendered() + "\n"
        }
        for d in sortedDevices {
            guard case let .object(m) = json(d) else { continue }
            out += JSON.object([("type", .string("device"))] + m).rendered() + "\n"
        }
        for e in absentFindings {
            out += JSON.object([("type", .string("absent")), ("rule", .string(e.rule)), ("severity", .string(e.severity)),
                                ("server", .object([("ip", .string(e.server)), ("country", .optional(e.country))])),
                                ("fingerprint", .string(e.fingerprint)), ("baselineState", .string("absent"))]).rendered() + "\n"
        }
        if includeFlows {
            for r in result.flows {
                guard case let .object(m) = FlowRecordReport.json(r) else { continue }
                out += JSON.object([("type", .string("flow"))] + m).rendered() + "\n"
            }
        }
        return out
    }

    /// One row per finding.
    public var csv: String {
        var out = "rule,severity,serverIp,country,hostnames,devices,apps,categories,flows,bytes,first,last,registryEntry,evidence,countryNote,asn,asName,baselineState\n"
        for f in result.findings.sorted {
            let n = networks[f.server]
            let fields: [JSON] = [
                .string(f.rule.rawValue), .string(f.severity.rawValue), .string(f.server.description), .optional(f.country),
                .string(f.hostnames.sorted().joined(separator: ";")),
                .string(f.devices.sorted().map(\.description).joined(separator: ";")),
                .string(f.apps.sortedNames.joined(separator: ";")), .string(f.categories.sortedNames.joined(separator: ";")),
                .int(f.flows), .int(Int64(clamping: f.bytes)), ScanReport.time(f.first), ScanReport.time(f.last), .optional(f.registryEntry),
                .string(f.evidenceTexts.joined(separator: ";")),
                .optional(ServerNotes.countryNote(f, n)), n?.asn.map { .int(Int($0)) } ?? .null, .optional(n?.asName),
                .optional(baselineState(f)?.rawValue),
            ]
            out += fields.map(FlowRecordReport.csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// The retention record: one CSV row per cross-border remote-maintenance session.
    /// The maintenance log's rows (without their hashes), each with its session's key.
    public var maintenanceRows: [(key: String, text: String)] {
        result.maintenanceSessions.map { r in
            let f = r.flow
            // Inbound sessions: the device is the server at home, the remote side the client abroad.
            let fields: [JSON] = r.inbound ? [
                ScanReport.time(f.first), ScanReport.time(f.last), .string(f.server.description), .string(f.client.description),
                .int(Int(f.serverPort)), .optional(r.clientCountry), .string(r.app.name),
                .int(Int64(clamping: f.bytesToClient)), .int(Int64(clamping: f.bytesToServer)),
                .null, .optional(r.hostname), .string("inbound"),
            ] + deviceFields(f.serverMAC, f.server) : [
                ScanReport.time(f.first), ScanReport.time(f.last), .string(f.client.description), .string(f.server.description),
                .int(Int(f.serverPort)), .optional(r.serverCountry), .string(r.app.name),
                .int(Int64(clamping: f.bytesToServer)), .int(Int64(clamping: f.bytesToClient)),
                .optional(registryEntryFor(r)), .optional(r.hostname), .string("outbound"),
            ] + deviceFields(f.clientMAC, f.client)
            let text = fields.map(FlowRecordReport.csvField)
            return (MaintenanceLog.key(start: text[0], device: text[2], remote: text[3], port: text[4], app: text[6]), text.joined(separator: ","))
        }
    }

    /// The device's Ethernet address, vendor and names, for the maintenance log.
    func deviceFields(_ mac: UInt64, _ address: IPAddress) -> [JSON] {
        let names = result.deviceNames[address] ?? []
        return [mac == 0 ? .null : .string(MACAddress.text(mac)), .optional(vendor(mac)?.name),
                names.isEmpty ? .null : .string(names.joined(separator: ";"))]
    }

    /// The whole log: header and chained rows.
    public var maintenanceLog: String {
        MaintenanceLog.header + "\n" + MaintenanceLog.chain(maintenanceRows, after: MaintenanceLog.genesis).text
    }

    func registryEntryFor(_ r: FlowRecord) -> String? {
        result.findings.findings[FindingAggregator.FindingKey(rule: .remoteMaintenance, server: r.flow.server)]?.registryEntry
    }
}
