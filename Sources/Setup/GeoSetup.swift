#if canImport(Glibc)
import Glibc
#endif
import Geo
import Policy
import Reporting
import WireBytes

/// Geo lookups for the policy, backed by the compiled range table.
public struct GeoLookup: CountryLookup {
    public let db: GeoDatabase
    public init(db: GeoDatabase) { self.db = db }
    public func country(for address: IPAddress) -> String? { db.country(for: address)?.description }
}

public enum GeoSetup {
    /// Default geo sources: Debian's tor-geoipdb (IPFire location data, CC BY-SA 4.0).
    public static let defaultPaths = ["/usr/share/tor/geoip", "/usr/share/tor/geoip6"]

    /// The sources given (`paths`), else the config's, else the default ones; with what
    /// the report's scope says of each.
    public static func load(paths: [String], config: ConfigFile) throws(SetupError) -> (GeoDatabase, [ScanScope.GeoSourceInfo]) {
        let defaulted = paths.isEmpty && config.geo.isEmpty
        let chosen = !paths.isEmpty ? paths : (!config.geo.isEmpty ? config.geo : defaultPaths)
        do {
            let db = try GeoDatabase.load(paths: chosen)
            return (db, db.sources.map { .init(path: $0.path, ranges: $0.ranges, modified: modificationTime($0.path)) })
        } catch {
            throw SetupError("geo source: \(error)" + (defaulted ? " (install Debian's tor-geoipdb, or give --geo FILE)" : ""))
        }
    }
}

/// A file's modification time in nanoseconds since the epoch (nil when it cannot be read).
public func modificationTime(_ path: String) -> Int64? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
}
