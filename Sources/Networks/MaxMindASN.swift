import Geo
import WireBytes

/// A MaxMind-format ASN database the user gives (`--asn FILE`): GeoLite2-ASN and
/// DB-IP ASN Lite (`autonomous_system_number`, `autonomous_system_organization`), or
/// IPinfo Lite (`asn` as "AS15169", `as_name`). Looked up in place in the mapped file.
public struct MaxMindASN: NetworkLookup {
    public let source: NetworkSourceInfo
    private let db: MaxMindDB

    public struct OpenError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let message: String
        public var description: String { "\(path): \(message)" }
    }

    public init(path: String) throws(OpenError) {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch { throw OpenError(path: path, message: "\(error)") }
        do { db = try MaxMindDB(file: file) } catch { throw OpenError(path: path, message: error.message) }
        source = NetworkSourceInfo(path: path, kind: "mmdb \(db.databaseType)",
                                   created: db.buildEpoch > 0 ? Int64(clamping: db.buildEpoch) &* 1_000_000_000 : nil, vendor: nil)
    }

    public func info(for address: IPAddress) -> NetworkInfo? {
        guard let (data, prefix) = db.leaf(for: address) else { return nil }
        var info = NetworkInfo()
        if let n = db.unsigned(["autonomous_system_number"], atData: data), n > 0, n <= UInt64(UInt32.max) {
            info.asn = UInt32(n)
            info.asName = db.string(["autonomous_system_organization"], atData: data)
        } else if let s = db.string(["asn"], atData: data), s.hasPrefix("AS"), let n = UInt32(s.dropFirst(2)), n > 0 {
            info.asn = n
            info.asName = db.string(["as_name"], atData: data)
        } else {
            return nil
        }
        info.network = MaxMindASN.network(address, prefix: prefix)
        return info
    }

    /// The prefix an address was found under, as CIDR text.
    static func network(_ a: IPAddress, prefix: Int) -> String {
        if a.isIPv4 {
            let mask: UInt32 = prefix == 0 ? 0 : UInt32.max << UInt32(32 - prefix)
            return "\(IPAddress(v4: a.v4 & mask))/\(prefix)"
        }
        let hiMask: UInt64 = prefix >= 64 ? .max : (prefix == 0 ? 0 : UInt64.max << UInt64(64 - prefix))
        let loMask: UInt64 = prefix <= 64 ? 0 : (prefix == 128 ? .max : UInt64.max << UInt64(128 - prefix))
        return "\(IPAddress(high: a.high & hiMask, low: a.low & loMask))/\(prefix)"
    }
}
