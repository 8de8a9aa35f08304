import CLoc
import Glibc
import Synchronization
import WireBytes

/// The IPFire location database (Debian's `libloc-database`), read through libloc's
/// C API: AS number and name, announced network, and the anycast, satellite and
/// anonymous-proxy flags.
public final class LocationDatabase: NetworkLookup, @unchecked Sendable {
    /// A location database refreshed by `location update`, else the one Debian ships.
    public static let defaultPaths = ["/var/lib/location/database.db", "/usr/share/libloc-location/location.db"]

    public let source: NetworkSourceInfo
    private let ctx: OpaquePointer
    private let db: OpaquePointer
    /// libloc keeps no promise about lookups from several threads at once.
    private let lock = Mutex(())

    public struct OpenError: Error, CustomStringConvertible, Sendable {
        public let path: String
        public let message: String
        public var description: String { "\(path): \(message)" }
    }

    public init(path: String) throws(OpenError) {
        var c: OpaquePointer?
        guard loc_new(&c) == 0, let c else { throw OpenError(path: path, message: "libloc could not start") }
        // libloc logs to standard error unless told otherwise; errors are ours to report.
        loc_set_log_priority(c, LOG_EMERG)
        guard let f = fopen(path, "r") else {
            loc_unref(c)
            throw OpenError(path: path, message: String(cString: strerror(errno)))
        }
        defer { fclose(f) }
        var d: OpaquePointer?
        guard loc_database_new(c, &d, f) == 0, let d else {
            loc_unref(c)
            throw OpenError(path: path, message: "not a location database (libloc could not read it)")
        }
        ctx = c
        db = d
        let created = loc_database_created_at(d)
        source = NetworkSourceInfo(path: path, kind: "libloc", created: created > 0 ? Int64(created) * 1_000_000_000 : nil,
                                   vendor: loc_database_get_vendor(d).map { String(cString: $0) })
    }

    deinit {
        loc_database_unref(db)
        loc_unref(ctx)
    }

    /// The first of `defaultPaths` that opens, or nil with why none did.
    public static func openDefault() -> Result<LocationDatabase, OpenError> {
        var last = OpenError(path: defaultPaths.last!, message: "not found")
        for p in defaultPaths {
            do { return .success(try LocationDatabase(path: p)) } catch { last = error }
        }
        return .failure(last)
    }

    public func info(for address: IPAddress) -> NetworkInfo? {
        lock.withLock { _ in
            var a = in6_addr()
            withUnsafeMutableBytes(of: &a) { b in
                b.storeBytes(of: address.high.bigEndian, toByteOffset: 0, as: UInt64.self)
                b.storeBytes(of: address.low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            var n: OpaquePointer?
            guard loc_database_lookup(db, &a, &n) == 0, let n else { return nil }
            defer { loc_network_unref(n) }
            var info = NetworkInfo()
            let asn = loc_network_get_asn(n)
            if asn != 0 {
                info.asn = asn
                var asp: OpaquePointer?
                if loc_database_get_as(db, &asp, asn) == 0, let asp {
                    if let name = loc_as_get_name(asp) { info.asName = String(cString: name) }
                    loc_as_unref(asp)
                }
            }
            if let s = loc_network_str(n) { info.network = String(cString: s) }
            info.anycast = loc_network_has_flag(n, UInt32(LOC_NETWORK_FLAG_ANYCAST.rawValue)) != 0
            info.satellite = loc_network_has_flag(n, UInt32(LOC_NETWORK_FLAG_SATELLITE_PROVIDER.rawValue)) != 0
            info.anonymousProxy = loc_network_has_flag(n, UInt32(LOC_NETWORK_FLAG_ANONYMOUS_PROXY.rawValue)) != 0
            return info
        }
    }
}
