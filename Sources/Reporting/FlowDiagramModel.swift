import Pipeline
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
        /// The worst registry status behind the node (servers and their links).
        var status: String
        /// How many devices or servers an aggregate node holds (0 for single nodes).
        var aggregated = 0
        /// The full text for the node's tooltip (labels may be shortened).
        var detail: String
    }

    struct Link {
        var from: Int
        var to: Int
        var bytes: UInt64
        var status: String
    }

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

        // Totals per device, server and country.
        var deviceBytes: [IPAddress: UInt64] = [:]
        var serverTraffic: [IPAddress: (country: String, status: String, hostnames: Set<String>, bytes: UInt64)] = [:]
        var countryBytes: [String: UInt64] = [:]
        for (edge, t) in edges {
            deviceBytes[edge.device, default: 0] &+= t.bytes
            var s = serverTraffic[edge.server] ?? (t.country, t.registry, [], 0)
            s.status = RegistryStatusStyle.worse(s.status, t.registry)
            s.hostnames.formUnion(t.hostnames)
            s.bytes &+= t.bytes
            serverTraffic[edge.server] = s
            countryBytes[t.country, default: 0] &+= t.bytes
        }

        // Countries by bytes; past the cap, one "more" node.
        let countryOrder = countryBytes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map(\.key)
        var countryIndex: [String: Int] = [:]
        for (i, c) in countryOrder.enumerated() { countryIndex[c] = min(i, maxCountries) }
        for c in countryOrder.prefix(maxCountries) {
            let name = c.isEmpty ? "??" : c
            countries.append(Node(lines: [name, ScanText.bytes(countryBytes[c]!)], bytes: countryBytes[c]!, status: "",
                                  detail: "\(name): \(HTMLText.bytes(countryBytes[c]!))"))
        }
        if countryOrder.count > maxCountries {
            let rest = countryOrder.dropFirst(maxCountries)
            let b = rest.reduce(UInt64(0)) { $0 &+ countryBytes[$1]! }
            countries.append(Node(lines: ["+\(rest.count)", ScanText.bytes(b)], bytes: b, status: "", aggregated: rest.count,
                                  detail: "\(rest.count) more countries: " + rest.map { $0.isEmpty ? "??" : $0 }.joined(separator: ", ")))
        }

        // Servers: the largest by bytes, then shown grouped by country so links cross less.
        let serversByBytes = serverTraffic.sorted { ($1.value.bytes, $0.key) < ($0.value.bytes, $1.key) }
        let shownServers = serversByBytes.prefix(maxServers).sorted {
            (countryIndex[$0.value.country]!, $1.value.bytes, $0.key) < (countryIndex[$1.value.country]!, $0.value.bytes, $1.key)
        }
        var serverIndex: [IPAddress: Int] = [:]
        for (i, (address, s)) in shownServers.enumerated() {
            serverIndex[address] = i
            let names = s.hostnames.sorted()
            let nameText = names.first.map { names.count > 1 ? "\($0) +\(names.count - 1)" : $0 } ?? "no hostname seen"
            servers.append(Node(lines: ["\(address)", "\(s.status) · \(ScanText.bytes(s.bytes)) · \(nameText)"],
                                bytes: s.bytes, status: s.status,
                                detail: "\(address) (\(s.country)) \(s.status), \(HTMLText.bytes(s.bytes))"
                                    + (names.isEmpty ? "" : "; " + names.joined(separator: ", "))))
        }
        let otherServers = serversByBytes.dropFirst(maxServers)
        if !otherServers.isEmpty {
            var status = "registered", b: UInt64 = 0
            var perStatus: [String: Int] = [:]
            for (_, s) in otherServers {
                status = RegistryStatusStyle.worse(status, s.status)
                b &+= s.bytes
                perStatus[s.status, default: 0] += 1
            }
            let breakdown = RegistryStatusStyle.ordered.compactMap { st in perStatus[st].map { "\($0) \(st)" } }.joined(separator: ", ")
            servers.append(Node(lines: ["\(otherServers.count) more servers", "\(ScanText.bytes(b)): \(breakdown)"],
                                bytes: b, status: status, aggregated: otherServers.count,
                                detail: "\(otherServers.count) more servers: \(breakdown)"))
        }
        let otherServerNode = servers.count - 1

        // Devices: the largest by bytes, ordered by the country they send most to.
        var mainCountry: [IPAddress: (index: Int, bytes: UInt64)] = [:]
        var perDeviceCountry: [IPAddress: [Int: UInt64]] = [:]
        var serverCount: [IPAddress: Set<IPAddress>] = [:]
        for (edge, t) in edges {
            perDeviceCountry[edge.device, default: [:]][countryIndex[t.country]!, default: 0] &+= t.bytes
            serverCount[edge.device, default: []].insert(edge.server)
        }
        for (device, byCountry) in perDeviceCountry {
            let top = byCountry.sorted { ($1.value, $0.key) < ($0.value, $1.key) }[0]
            mainCountry[device] = (top.key, top.value)
        }
        let devicesByBytes = deviceBytes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        let shownDevices = devicesByBytes.prefix(maxDevices).sorted {
            (mainCountry[$0.key]!.index, $1.value, $0.key) < (mainCountry[$1.key]!.index, $0.value, $1.key)
        }
        var deviceIndex: [IPAddress: Int] = [:]
        for (i, (address, b)) in shownDevices.enumerated() {
            deviceIndex[address] = i
            let n = serverCount[address]!.count
            devices.append(Node(lines: ["\(address)", "\(ScanText.bytes(b)), \(n) server\(n == 1 ? "" : "s")"], bytes: b, status: "",
                                detail: "\(address): \(HTMLText.bytes(b)) to \(n) server\(n == 1 ? "" : "s") abroad"))
        }
        let otherDevices = devicesByBytes.dropFirst(maxDevices)
        if !otherDevices.isEmpty {
            let b = otherDevices.reduce(UInt64(0)) { $0 &+ $1.value }
            devices.append(Node(lines: ["\(otherDevices.count) more devices", ScanText.bytes(b)], bytes: b, status: "",
                                aggregated: otherDevices.count, detail: "\(otherDevices.count) more devices: \(HTMLText.bytes(b))"))
        }
        let otherDeviceNode = devices.count - 1

        // Links, summed per pair of nodes; the worst status colours each.
        var left: [Pair: (UInt64, String)] = [:]
        var right: [Pair: (UInt64, String)] = [:]
        for (edge, t) in edges {
            let d = deviceIndex[edge.device] ?? otherDeviceNode
            let c = countryIndex[t.country]!
            let s = serverIndex[edge.server] ?? otherServerNode
            let l = left[Pair(d, c)] ?? (0, "registered")
            left[Pair(d, c)] = (l.0 &+ t.bytes, RegistryStatusStyle.worse(l.1, t.registry))
            let r = right[Pair(c, s)] ?? (0, "registered")
            right[Pair(c, s)] = (r.0 &+ t.bytes, RegistryStatusStyle.worse(r.1, t.registry))
        }
        deviceToCountry = left.sorted { $0.key < $1.key }.map { Link(from: $0.key.from, to: $0.key.to, bytes: $0.value.0, status: $0.value.1) }
        countryToServer = right.sorted { $0.key < $1.key }.map { Link(from: $0.key.from, to: $0.key.to, bytes: $0.value.0, status: $0.value.1) }
    }

    struct Pair: Hashable, Comparable {
        var from: Int
        var to: Int
        init(_ from: Int, _ to: Int) { self.from = from; self.to = to }
        static func < (a: Pair, b: Pair) -> Bool { (a.from, a.to) < (b.from, b.to) }
    }
}
