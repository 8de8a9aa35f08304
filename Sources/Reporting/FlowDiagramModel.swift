import Pipeline
import Policy
import Verdicts
import WireBytes

/// The data-flow diagram's content: devices → countries → servers, with the largest
/// devices and servers shown one by one and the rest gathered into "N more" nodes so
/// that a big plant stays legible. Every order is sorted: the same traffic always
/// gives the same diagram.
struct FlowDiagramModel {
    struct Node {
        /// What the node stands for, one line each (the first is the name).
        var lines: [String]
        var bytes: UInt64
        /// The worst registry status behind the node (servers only).
        var status: RegistryStatus?
        /// How many devices, countries or servers an aggregate node holds (0: a single one).
        var aggregated = 0
        /// The full text for the node's tooltip (labels may be shortened).
        var detail: String
    }

    struct Link {
        var from: Int
        var to: Int
        var bytes: UInt64
        var status: RegistryStatus
    }

    typealias Edges = [(key: CrossBorderEdge, value: CrossBorderTraffic)]

    var devices: [Node] = []
    var countries: [Node] = []
    var servers: [Node] = []
    var deviceToCountry: [Link] = []
    var countryToServer: [Link] = []

    var isEmpty: Bool { devices.isEmpty }
    var maxLinkBytes: UInt64 { (deviceToCountry + countryToServer).map(\.bytes).max() ?? 0 }

    init(_ crossBorder: [CrossBorderEdge: CrossBorderTraffic], maxDevices: Int = 25, maxServers: Int = 25, maxCountries: Int = 25) {
        let edges = crossBorder.sorted { $0.key < $1.key }
        guard !edges.isEmpty else { return }
        let countryIndex = addCountries(edges, max: maxCountries)
        let serverIndex = addServers(edges, countryIndex: countryIndex, max: maxServers)
        let deviceIndex = addDevices(edges, countryIndex: countryIndex, max: maxDevices)
        addLinks(edges, deviceIndex: deviceIndex, countryIndex: countryIndex, serverIndex: serverIndex)
    }

    /// Largest first (ties: the smaller key), for picking what is shown one by one.
    static func byBytes<K: Comparable>(_ totals: [K: UInt64]) -> [(key: K, value: UInt64)] {
        totals.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
    }

    /// Countries by bytes; past the cap, one "more" node. Returns each country's node.
    mutating func addCountries(_ edges: Edges, max cap: Int) -> [String: Int] {
        var totals: [String: UInt64] = [:]
        for (_, t) in edges { totals[t.country, default: 0] &+= t.bytes }
        let ordered = Self.byBytes(totals)
        var index: [String: Int] = [:]
        for (i, c) in ordered.enumerated() { index[c.key] = min(i, cap) }
        for (code, b) in ordered.prefix(cap) {
            let name = code.isEmpty ? "??" : code
            countries.append(Node(lines: [name, ScanText.bytes(b)], bytes: b, detail: "\(name): \(HTMLText.bytes(b))"))
        }
        let rest = ordered.dropFirst(cap)
        if !rest.isEmpty {
            let b = rest.reduce(UInt64(0)) { $0 &+ $1.value }
            countries.append(Node(lines: ["+\(rest.count)", ScanText.bytes(b)], bytes: b, aggregated: rest.count,
                                  detail: "\(rest.count) more countries: " + rest.map { $0.key.isEmpty ? "??" : $0.key }.joined(separator: ", ")))
        }
        return index
    }

    /// The largest servers, shown grouped by country (links cross less); the rest in one
    /// node coloured by their worst status. Returns the node of each server shown.
    mutating func addServers(_ edges: Edges, countryIndex: [String: Int], max cap: Int) -> [IPAddress: Int] {
        var totals: [IPAddress: UInt64] = [:]
        var country: [IPAddress: String] = [:]
        var status: [IPAddress: RegistryStatus] = [:]
        var hostnames: [IPAddress: BoundedSet<String>] = [:]
        for (edge, t) in edges {
            totals[edge.server, default: 0] &+= t.bytes
            if country[edge.server] == nil { country[edge.server] = t.country }
            status[edge.server] = max(status[edge.server] ?? t.registry, t.registry)
            hostnames[edge.server, default: BoundedSet(limit: Finding.maxHostnames)].formUnion(t.hostnames)
        }
        let ordered = Self.byBytes(totals)
        let shown = ordered.prefix(cap).sorted {
            (countryIndex[country[$0.key]!]!, $1.value, $0.key) < (countryIndex[country[$1.key]!]!, $0.value, $1.key)
        }
        var index: [IPAddress: Int] = [:]
        for (address, b) in shown {
            index[address] = servers.count
            let st = status[address]!, names = hostnames[address]!.sorted()
            let name = names.first.map { names.count > 1 ? "\($0) +\(names.count - 1)" : $0 } ?? "no hostname seen"
            servers.append(Node(lines: ["\(address)", "\(st) · \(ScanText.bytes(b)) · \(name)"], bytes: b, status: st,
                                detail: "\(address) (\(country[address]!)) \(st), \(HTMLText.bytes(b))"
                                    + (names.isEmpty ? "" : "; " + names.joined(separator: ", "))))
        }
        let rest = ordered.dropFirst(cap)
        if !rest.isEmpty {
            var worst = RegistryStatus.registered, b: UInt64 = 0
            var perStatus: [RegistryStatus: Int] = [:]
            for (address, bytes) in rest {
                worst = max(worst, status[address]!)
                b &+= bytes
                perStatus[status[address]!, default: 0] += 1
            }
            let breakdown = RegistryStatusStyle.ordered.compactMap { st in perStatus[st].map { "\($0) \(st.name)" } }.joined(separator: ", ")
            servers.append(Node(lines: ["\(rest.count) more servers", "\(ScanText.bytes(b)): \(breakdown)"], bytes: b, status: worst,
                                aggregated: rest.count, detail: "\(rest.count) more servers: \(breakdown)"))
        }
        return index
    }

    /// The largest devices, ordered by the country they send most to; the rest in one node.
    /// Returns the node of each device shown.
    mutating func addDevices(_ edges: Edges, countryIndex: [String: Int], max cap: Int) -> [IPAddress: Int] {
        var totals: [IPAddress: UInt64] = [:]
        var perCountry: [IPAddress: [Int: UInt64]] = [:]
        var serverCount: [IPAddress: Int] = [:]
        for (edge, t) in edges {
            totals[edge.device, default: 0] &+= t.bytes
            perCountry[edge.device, default: [:]][countryIndex[t.country]!, default: 0] &+= t.bytes
            serverCount[edge.device, default: 0] += 1  // edges are distinct (device, server) pairs
        }
        let mainCountry = perCountry.mapValues { Self.byBytes($0)[0].key }
        let ordered = Self.byBytes(totals)
        let shown = ordered.prefix(cap).sorted {
            (mainCountry[$0.key]!, $1.value, $0.key) < (mainCountry[$1.key]!, $0.value, $1.key)
        }
        var index: [IPAddress: Int] = [:]
        for (address, b) in shown {
            index[address] = devices.count
            let n = serverCount[address]!, servers = "\(n) server\(n == 1 ? "" : "s")"
            devices.append(Node(lines: ["\(address)", "\(ScanText.bytes(b)), \(servers)"], bytes: b,
                                detail: "\(address): \(HTMLText.bytes(b)) to \(servers) abroad"))
        }
        let rest = ordered.dropFirst(cap)
        if !rest.isEmpty {
            let b = rest.reduce(UInt64(0)) { $0 &+ $1.value }
            devices.append(Node(lines: ["\(rest.count) more devices", ScanText.bytes(b)], bytes: b, aggregated: rest.count,
                                detail: "\(rest.count) more devices: \(HTMLText.bytes(b))"))
        }
        return index
    }

    /// Links summed per pair of nodes; the worst status of their traffic colours each.
    /// Devices and servers not shown go to their column's last ("more") node.
    mutating func addLinks(_ edges: Edges, deviceIndex: [IPAddress: Int], countryIndex: [String: Int], serverIndex: [IPAddress: Int]) {
        var left: [Pair: (bytes: UInt64, status: RegistryStatus)] = [:]
        var right: [Pair: (bytes: UInt64, status: RegistryStatus)] = [:]
        func add(_ totals: inout [Pair: (bytes: UInt64, status: RegistryStatus)], _ pair: Pair, _ t: CrossBorderTraffic) {
            let old = totals[pair] ?? (0, t.registry)
            totals[pair] = (old.bytes &+ t.bytes, max(old.status, t.registry))
        }
        for (edge, t) in edges {
            let c = countryIndex[t.country]!
            add(&left, Pair(deviceIndex[edge.device] ?? devices.count - 1, c), t)
            add(&right, Pair(c, serverIndex[edge.server] ?? servers.count - 1), t)
        }
        deviceToCountry = left.sorted { $0.key < $1.key }.map { Link(from: $0.key.from, to: $0.key.to, bytes: $0.value.bytes, status: $0.value.status) }
        countryToServer = right.sorted { $0.key < $1.key }.map { Link(from: $0.key.from, to: $0.key.to, bytes: $0.value.bytes, status: $0.value.status) }
    }

    struct Pair: Hashable, Comparable {
        var from: Int
        var to: Int
        init(_ from: Int, _ to: Int) { self.from = from; self.to = to }
        static func < (a: Pair, b: Pair) -> Bool { (a.from, a.to) < (b.from, b.to) }
    }
}
