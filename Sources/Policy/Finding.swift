import Flows
import Verdicts
import WireBytes

/// Every flow of one rule to one server address, aggregated (a finding of docs/contract.md).
public struct Finding: Sendable, Equatable, Codable {
    public var rule: Rule
    public var server: IPAddress
    public var country: String?
    /// Names the server was reached by, the smallest `maxHostnames` of them.
    public var hostnames = BoundedSet<String>(limit: Finding.maxHostnames)
    /// Devices that talked to the server, the smallest `maxDevices` addresses of them.
    public var devices = BoundedSet<IPAddress>(limit: Finding.maxDevices)
    public var apps: Set<AppProtocol> = []
    public var categories: Set<PayloadCategory> = []
    /// How the flows' categories were known, the distinct kinds (the smallest 16).
    public var evidence = BoundedSet<CategoryEvidenceKey>(limit: 16)
    public var flows = 0
    public var bytes: UInt64 = 0
    public var first = Int64.max
    public var last = Int64.min
    public var registryEntry: String?
    /// Start of the flow that named `registryEntry`: the earliest flow's entry is kept
    /// (ties: the smaller id), so merging results in any order gives the same finding.
    public var registryEntryTime = Int64.max
    /// Inputs the flows came from (indexes into the report's inputs), for SARIF locations.
    public var inputs: Set<Int> = []

    public var severity: Severity { rule.severity }

    /// Per-finding limits: a flood of spoofed sources or invented names grows these
    /// sets, never the memory beyond them (`isTruncated` tells the report).
    public static let maxDevices = 4096
    public static let maxHostnames = 256

    /// How the flows' categories were known, for people.
    public var evidenceTexts: [String] { evidence.sorted().compactMap(\.text) }

    /// "12", or "more than 4096" once the device set is full.
    public var deviceCount: String { devices.isTruncated ? "more than \(devices.count)" : "\(devices.count)" }

    public init(rule: Rule, server: IPAddress, country: String?) {
        self.rule = rule
        self.server = server
        self.country = country
    }

    mutating func offerRegistryEntry(_ id: String?, time: Int64) {
        guard let id else { return }
        if registryEntry == nil || time < registryEntryTime || (time == registryEntryTime && id < registryEntry!) {
            registryEntry = id
            registryEntryTime = time
        }
    }

    /// One more flow of this finding; `registryEntry` is the entry that decided its status.
    mutating func add(_ r: FlowRecord, registryEntry: String?) {
        offerRegistryEntry(registryEntry, time: r.flow.first)
        if let h = r.hostname { hostnames.insert(h) }
        devices.insert(r.flow.client)
        apps.insertOften(r.app)
        categories.insertOften(r.category)
        evidence.insert(CategoryEvidenceKey(r))
        flows += 1
        bytes &+= r.flow.bytesToServer &+ r.flow.bytesToClient
        first = min(first, r.flow.first)
        last = max(last, r.flow.last)
        inputs.insertOften(r.input)
    }
}

extension Finding {
    enum CodingKeys: String, CodingKey {
        case rule, server, country, hostnames, hostnamesTruncated, devices, devicesTruncated, apps, categories, evidence,
             flows, bytes, first, last, registryEntry, registryEntryTime, inputs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        rule = try c.decode(Rule.self, forKey: .rule)
        server = try c.decode(IPAddress.self, forKey: .server)
        country = try c.decodeIfPresent(String.self, forKey: .country)
        hostnames = BoundedSet(try c.decode([String].self, forKey: .hostnames), limit: Finding.maxHostnames,
                               truncated: try c.decodeIfPresent(Bool.self, forKey: .hostnamesTruncated) ?? false)
        devices = BoundedSet(try c.decode([IPAddress].self, forKey: .devices), limit: Finding.maxDevices,
                             truncated: try c.decodeIfPresent(Bool.self, forKey: .devicesTruncated) ?? false)
        apps = try c.decode(Set<AppProtocol>.self, forKey: .apps)
        categories = try c.decode(Set<PayloadCategory>.self, forKey: .categories)
        evidence = BoundedSet(try c.decode([CategoryEvidenceKey].self, forKey: .evidence), limit: 16)
        flows = try c.decode(Int.self, forKey: .flows)
        bytes = try c.decode(UInt64.self, forKey: .bytes)
        first = try c.decode(Int64.self, forKey: .first)
        last = try c.decode(Int64.self, forKey: .last)
        registryEntry = try c.decodeIfPresent(String.self, forKey: .registryEntry)
        registryEntryTime = try c.decode(Int64.self, forKey: .registryEntryTime)
        inputs = try c.decode(Set<Int>.self, forKey: .inputs)
    }

    /// Sets written sorted, so a saved result is the same bytes for the same input.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rule, forKey: .rule)
        try c.encode(server, forKey: .server)
        try c.encodeIfPresent(country, forKey: .country)
        try c.encode(hostnames.sorted(), forKey: .hostnames)
        if hostnames.isTruncated { try c.encode(true, forKey: .hostnamesTruncated) }
        try c.encode(devices.sorted(), forKey: .devices)
        if devices.isTruncated { try c.encode(true, forKey: .devicesTruncated) }
        try c.encode(apps.sortedNames, forKey: .apps)
        try c.encode(categories.sortedNames, forKey: .categories)
        try c.encode(evidence.sorted(), forKey: .evidence)
        try c.encode(flows, forKey: .flows)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(first, forKey: .first)
        try c.encode(last, forKey: .last)
        try c.encodeIfPresent(registryEntry, forKey: .registryEntry)
        try c.encode(registryEntryTime, forKey: .registryEntryTime)
        try c.encode(inputs.sorted(), forKey: .inputs)
    }
}
