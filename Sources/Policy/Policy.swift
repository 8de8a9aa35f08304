import Flows
import ServerRegistry
import Services
import Verdicts
import WireBytes

/// Where an address is: the country code a geo source gives, or nil.
public protocol CountryLookup: Sendable {
    func country(for address: IPAddress) -> String?
}

/// The home jurisdictions, the geo sources and the registry: everything that turns a
/// flow into a verdict. Pure: the same flows give the same findings.
public struct Policy: Sendable {
    public let home: Set<String>
    public let geo: CountryLookup
    public let registry: Registry
    /// Names what encrypted and web flows carry from their server names.
    public let services: ServiceCatalogue
    /// Bytes a data-storage flow must send to the server for `offshore-data-storage`.
    public let offshoreStorageMinimum: UInt64

    /// `home` as a list: one to a few codes, compared as small strings (a `Set` hashes
    /// each country per flow); a group of many is looked up in the set.
    private let homeList: [String]
    /// Codes of the geo data that are regions, not countries, with where each is placed:
    /// home when all its countries are, abroad when none is, else undetermined.
    private let regionPlacements: [(code: String, placement: Placement)]

    /// Where a server is, as far as the geo data can tell.
    public enum Placement: Sendable { case home, abroad, undetermined }

    /// `regions`: the region codes of the geo data and the countries each may mean.
    public init(home: Set<String>, geo: CountryLookup, registry: Registry, regions: [String: [String]] = [:],
                services: ServiceCatalogue = .empty, offshoreStorageMinimum: UInt64 = Policy.offshoreStorageMinimumBytes) {
        self.home = home
        self.geo = geo
        self.registry = registry
        self.services = services
        self.offshoreStorageMinimum = offshoreStorageMinimum
        homeList = home.count <= 8 ? home.sorted() : []
        regionPlacements = regions.keys.sorted().map { code in
            let members = regions[code]!
            let inside = members.filter(home.contains).count
            return (code, inside == 0 ? .abroad : inside == members.count ? .home : .undetermined)
        }
    }

    private func isHome(_ country: String) -> Bool {
        if homeList.isEmpty { return home.contains(country) }
        for h in homeList where h == country { return true }
        return false
    }

    public func placement(of country: String) -> Placement {
        if isHome(country) { return .home }
        for r in regionPlacements where r.code == country { return r.placement }
        return .abroad
    }

    /// What the policy says of one flow: the rules it meets and the registry entry
    /// that decided its status (nil when none matched or the flow stays home).
    public struct Verdict: Sendable {
        public var rules: [Rule] = []
        public var registryEntry: String?
    }

    /// Fills the record's geography and registry fields, and says which rules it meets.
    public func judge(_ r: inout FlowRecord) -> Verdict {
        nameService(&r)
        let server = r.flow.server
        let client = r.flow.client
        r.clientCountry = SpecialAddresses.isSpecial(client) ? nil : geo.country(for: client)
        let clientAbroad = r.clientCountry.map { !isHome($0) } ?? false
        r.inbound = false
        r.crossBorder = false
        r.destinationUndetermined = false
        r.registry = .notApplicable
        var entry: String?
        if SpecialAddresses.isSpecial(server) {
            r.serverCountry = nil
            // Inbound: a client abroad reached a private server (behind NAT).
            r.inbound = clientAbroad
        } else if let country = geo.country(for: server) {
            r.serverCountry = country
            let placed = placement(of: country)
            r.crossBorder = placed == .abroad
            // A region with a home country in it: neither home nor abroad can be told.
            r.destinationUndetermined = placed == .undetermined
            if r.crossBorder {
                // A category known from a port alone is no evidence of a purpose.
                let purpose = r.categoryEvidence.decidesPurpose ? r.category : .unknown
                var match = registry.match(server: server, hostname: r.hostname, time: r.flow.first, category: purpose)
                // File protocols move files or keep them: an entry approving either purpose accepts them.
                if match.status == .purposeMismatch, let twin = Policy.filePurposeTwin(r) {
                    let other = registry.match(server: server, hostname: r.hostname, time: r.flow.first, category: twin)
                    if other.status == .registered { match = other }
                }
                r.registry = match.status
                entry = match.entryIndex.map { registry.entries[$0].id }
            } else if placed == .home {
                // Inbound: a client abroad reached a server at home.
                r.inbound = clientAbroad
            }
        } else {
            r.serverCountry = nil
        }
        return Verdict(rules: Policy.rules(of: r, offshoreStorageMinimum: offshoreStorageMinimum), registryEntry: entry)
    }

    /// The services catalogue names what a TLS, DTLS or QUIC flow carries from its server
    /// name, before ALPN and ports (which the record may already hold) are considered; a
    /// plain HTTP flow only when its payload said nothing more than `web` (a firmware
    /// download stays firmware). Other protocols are known from their payload.
    func nameService(_ r: inout FlowRecord) {
        guard !services.isEmpty, r.service == nil, let name = r.hostname else { return }
        switch r.app {
        case .tls, .dtls, .quic: break
        case .http where r.category == .web: break
        default: return
        }
        guard let m = services.match(hostname: name, port: r.flow.serverPort) else { return }
        r.service = m.service.id
        r.category = m.service.category
        r.categoryEvidence = .service
    }

    /// Protocols that carry files, whether moved (`file-transfer`) or kept (`data-storage`).
    static let fileProtocols: Set<AppProtocol> = [.ftp, .tftp, .smb, .nfs, .rsync, .webdav, .dropbox]

    /// The other file purpose for a file protocol's flow, else nil.
    static func filePurposeTwin(_ r: FlowRecord) -> PayloadCategory? {
        guard fileProtocols.contains(r.app) else { return nil }
        switch r.category {
        case .fileTransfer: return .dataStorage
        case .dataStorage: return .fileTransfer
        default: return nil
        }
    }

    /// Bytes a data-storage flow must send to the server (more than it gets back) to count
    /// as data stored abroad rather than a query or a listing, unless configured otherwise.
    public static let offshoreStorageMinimumBytes: UInt64 = 64 * 1024

    /// A cross-border data-storage flow that puts data on the server, to a server whose
    /// registry entry does not list `data-storage` (or that no entry names).
    static func isOffshoreStorage(_ r: FlowRecord, minimum: UInt64) -> Bool {
        r.category == .dataStorage && (r.registry == .unregistered || r.registry == .purposeMismatch)
            && r.flow.bytesToServer >= minimum && r.flow.bytesToServer > r.flow.bytesToClient
    }

    /// The rules a judged record meets: the one place that says which fields make which
    /// rule, read by `judge` and by every report that shows flows under a finding.
    public static func rules(of r: FlowRecord, offshoreStorageMinimum: UInt64 = offshoreStorageMinimumBytes) -> [Rule] {
        var rules: [Rule] = []
        if r.crossBorder {
            switch r.registry {
            case .unregistered: rules.append(.unregisteredOverseasServer)
            case .expired: rules.append(.expiredRegistration)
            case .purposeMismatch: rules.append(.purposeMismatch)
            case .registered, .notApplicable: break
            }
            if r.category == .remoteMaintenance { rules.append(.remoteMaintenance) }
            if isOffshoreStorage(r, minimum: offshoreStorageMinimum) { rules.append(.offshoreDataStorage) }
        } else if r.serverCountry == nil || r.destinationUndetermined, !SpecialAddresses.isSpecial(r.flow.server) {
            rules.append(.unknownDestination)
        } else if r.inbound, r.category == .remoteMaintenance {
            rules.append(.inboundRemoteMaintenance)
        }
        return rules
    }
}

/// Findings aggregated incrementally, per (rule, server), as flows arrive.
public struct FindingAggregator: Sendable {
    public private(set) var findings: [FindingKey: Finding] = [:]
    /// At most this many findings are kept (the smallest rule and server pairs), so
    /// traffic to millions of invented servers cannot grow memory without end.
    public let limit: Int
    /// Flows of findings beyond `limit`: judged, but in no finding of the report.
    public private(set) var flowsLeftOut = 0
    private var kept = SmallestKeys<FindingKey>()

    public static let defaultLimit = 262_144

    public struct FindingKey: Hashable, Sendable, Comparable {
        public var rule: Rule
        public var server: IPAddress

        public init(rule: Rule, server: IPAddress) {
            self.rule = rule
            self.server = server
        }

        /// Looked up per flow with findings: `WordHash` of the server alone, not
        /// `Hasher` (a server has a few rules at most, told apart by `==`).
        public func _rawHashValue(seed: Int) -> Int { server._rawHashValue(seed: seed) }

        public static func < (a: FindingKey, b: FindingKey) -> Bool { (a.rule, a.server) < (b.rule, b.server) }
    }

    public init(limit: Int = FindingAggregator.defaultLimit) {
        self.limit = limit
    }

    /// Findings restored from a saved result (one per rule and server).
    public init(findings list: [Finding], flowsLeftOut: Int = 0, limit: Int = FindingAggregator.defaultLimit) {
        self.limit = limit
        self.flowsLeftOut = flowsLeftOut
        for f in list { place(FindingKey(rule: f.rule, server: f.server), f) }
    }

    /// Whether a finding not yet in the table may join it; once the table is full, a
    /// smaller key pushes out the largest (its flows are then counted as left out).
    private mutating func admits(_ key: FindingKey) -> Bool {
        guard findings.count >= limit else { return true }
        let (admitted, evicted) = kept.admit(key, into: &findings)
        if let evicted { flowsLeftOut.addSaturating(evicted.flows) }
        return admitted
    }

    /// A whole finding into the table, as restored or merged.
    private mutating func place(_ key: FindingKey, _ f: Finding) {
        if admits(key) { findings[key] = f } else { flowsLeftOut.addSaturating(f.flows) }
    }

    public mutating func add(_ r: FlowRecord, rules: [Rule], registryEntry: String?) {
        let server = r.flow.server, country = r.serverCountry
        for rule in rules {
            let key = FindingKey(rule: rule, server: server)
            if findings.count >= limit, findings[key] == nil, !admits(key) {
                flowsLeftOut.addSaturating(1)
                continue
            }
            // Mutated in place, in one lookup (the `default:` subscript): copying a
            // finding out and back would copy its device and hostname sets every flow.
            findings[key, default: Finding(rule: rule, server: server, country: country)]
                .add(r, registryEntry: registryEntry)
        }
    }

    public mutating func merge(_ other: FindingAggregator) {
        flowsLeftOut.addSaturating(other.flowsLeftOut)
        for (k, f) in other.findings {
            guard var mine = findings[k] else { place(k, f); continue }
            mine.hostnames.formUnion(f.hostnames)
            mine.devices.formUnion(f.devices)
            mine.apps.formUnion(f.apps)
            mine.categories.formUnion(f.categories)
            mine.evidence.formUnion(f.evidence)
            mine.flows.addSaturating(f.flows)
            mine.bytes.addSaturating(f.bytes)
            mine.first = min(mine.first, f.first)
            mine.last = max(mine.last, f.last)
            mine.inputs.formUnion(f.inputs)
            mine.offerRegistryEntry(f.registryEntry, time: f.registryEntryTime)
            if mine.country == nil { mine.country = f.country }
            findings[k] = mine
        }
    }

    /// Findings in a stable order: severity, rule, then server address.
    public var sorted: [Finding] {
        findings.values.sorted { a, b in
            if a.severity != b.severity { return a.severity > b.severity }
            if a.rule != b.rule { return a.rule < b.rule }
            return a.server < b.server
        }
    }
}
