import WireBytes

/// Interned names (ids from 1), so flows carry a 4-byte id instead of a String.
public struct NameTable {
    public private(set) var names: [String] = [""]
    private var ids: [String: UInt32] = [:]

    public init() {}

    public mutating func intern(_ name: String) -> UInt32 {
        if let id = ids[name] { return id }
        let id = UInt32(names.count)
        names.append(name)
        ids[name] = id
        return id
    }

    public subscript(id: UInt32) -> String? {
        id == 0 || Int(id) >= names.count ? nil : names[Int(id)]
    }
}

/// The names DNS answers gave addresses in one input: a later flow to that address
/// gets the name even without SNI. The name is the question the device asked (what it
/// was configured to reach), not the CDN name at the end of a CNAME chain.
public struct DNSNameMap {
    private var map: [IPAddress: UInt32] = [:]
    /// Addresses kept at most (`InspectionLimits.dnsNames` unless configured).
    public let limit: Int
    /// Answers for new addresses that found the map full (reported on the input).
    public private(set) var dropped = 0

    public init(limit: Int = InspectionLimits.dnsNames) {
        self.limit = limit
    }

    public mutating func learn(_ info: DNSMessageInfo, names: inout NameTable) {
        guard let question = info.question, !question.isEmpty else { return }
        let id = names.intern(question)
        for answer in info.answers {
            if case let .address(a) = answer.data {
                if map.count >= limit, map[a] == nil { dropped += 1; continue }
                map[a] = id
            }
        }
    }

    public func name(for address: IPAddress) -> UInt32? { map[address] }
    /// Every address named, with its name id.
    public var entries: [IPAddress: UInt32] { map }
    public var count: Int { map.count }
}
