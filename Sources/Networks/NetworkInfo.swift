import WireBytes

/// Who runs the network an address is in: its autonomous system and the announced
/// network, with the flags that say its country is not where the server stands.
public struct NetworkInfo: Sendable, Equatable, Codable {
    public var asn: UInt32?
    public var asName: String?
    /// The announced network holding the address, e.g. `52.28.0.0/16`.
    public var network: String?
    /// Anycast: the same address is served from many places, so no single country.
    public var anycast = false
    public var satellite = false
    public var anonymousProxy = false

    public init(asn: UInt32? = nil, asName: String? = nil, network: String? = nil,
                anycast: Bool = false, satellite: Bool = false, anonymousProxy: Bool = false) {
        self.asn = asn
        self.asName = asName
        self.network = network
        self.anycast = anycast
        self.satellite = satellite
        self.anonymousProxy = anonymousProxy
    }

    /// "AS16509 Amazon.com, Inc.", or nil without an AS.
    public var asText: String? {
        guard let asn else { return nil }
        return asName.map { "AS\(asn) \($0)" } ?? "AS\(asn)"
    }
}

/// A source of network data (libloc, a MaxMind-format ASN database), as the report's
/// scope states it.
public struct NetworkSourceInfo: Sendable, Equatable, Codable {
    public var path: String
    public var kind: String
    /// When the database was built (nanoseconds since 1970), when it says.
    public var created: Int64?
    public var vendor: String?

    public init(path: String, kind: String, created: Int64?, vendor: String?) {
        self.path = path
        self.kind = kind
        self.created = created
        self.vendor = vendor
    }
}

/// Looks up who runs an address; several sources are asked in turn, the first that
/// knows the address answers (an AS database given by the user before the default one).
public protocol NetworkLookup: Sendable {
    var source: NetworkSourceInfo { get }
    func info(for address: IPAddress) -> NetworkInfo?
}

/// Sources asked in order, for each field the first that has it.
public struct NetworkDirectory: Sendable {
    public let sources: [any NetworkLookup]

    public init(sources: [any NetworkLookup]) { self.sources = sources }

    public func info(for address: IPAddress) -> NetworkInfo? {
        var out: NetworkInfo?
        for s in sources {
            guard let i = s.info(for: address) else { continue }
            guard var o = out else { out = i; continue }
            if o.asn == nil { o.asn = i.asn; o.asName = i.asName }
            if o.network == nil { o.network = i.network }
            o.anycast = o.anycast || i.anycast
            o.satellite = o.satellite || i.satellite
            o.anonymousProxy = o.anonymousProxy || i.anonymousProxy
            out = o
        }
        return out
    }

    /// Every address of `addresses` that some source knows.
    public func infos<S: Sequence>(for addresses: S) -> [IPAddress: NetworkInfo] where S.Element == IPAddress {
        var out: [IPAddress: NetworkInfo] = [:]
        for a in addresses where out[a] == nil {
            if let i = info(for: a) { out[a] = i }
        }
        return out
    }
}
