import Foundation
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

    /// The region codes of the geo data and the countries each may mean, for `Policy`.
    public static let regions = Dictionary(uniqueKeysWithValues: Jurisdictions.regions.map { ($0.code, $0.members) })

    /// Where compiled geo data is kept between runs: `$BORDERFLOW_GEO_CACHE` (a
    /// directory, or `off`), else `$XDG_CACHE_HOME/borderflow`, else `~/.cache/borderflow`.
    public static func cacheDirectory() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let v = env["BORDERFLOW_GEO_CACHE"], !v.isEmpty { return v == "off" ? nil : v }
        if let x = env["XDG_CACHE_HOME"], x.hasPrefix("/") { return x + "/borderflow" }
        if let h = env["HOME"], h.hasPrefix("/") { return h + "/.cache/borderflow" }
        return nil
    }

    /// The sources given (`paths`), else the config's, else the default ones; with what
    /// the report's scope says of each, and notes for the user (a cache not used, and why).
    /// Large sources are compiled once and kept in the cache directory; a cache that
    /// does not match its sources, or does not hold up, is compiled afresh with a note;
    /// a cache directory that cannot be written leaves the compiled table in memory.
    public static func load(paths: [String], config: ConfigFile, cache: String? = cacheDirectory())
        throws(SetupError) -> (GeoDatabase, [ScanScope.GeoSourceInfo], notes: [String]) {
        let defaulted = paths.isEmpty && config.geo.isEmpty
        let chosen = !paths.isEmpty ? paths : (!config.geo.isEmpty ? config.geo : defaultPaths)
        var notes: [String] = []
        func info(_ db: GeoDatabase) -> [ScanScope.GeoSourceInfo] {
            db.sources.map { .init(path: $0.path, ranges: $0.ranges, modified: modificationTime($0.path)) }
        }
        var cacheFile: String?, fingerprint: String?
        if let dir = cache, GeoCache.worthCaching(chosen), let fp = GeoCache.fingerprint(paths: chosen) {
            let file = dir + "/" + GeoCache.fileName(for: chosen)
            switch GeoCache.load(file, fingerprint: fp) {
            case .hit(let db): return (db, info(db), notes)
            case .missing: break
            case .unusable(let why): notes.append("geo cache \(file) not used: \(why); compiled afresh")
            }
            cacheFile = file
            fingerprint = fp
        }
        let db: GeoDatabase
        do { db = try GeoDatabase.load(paths: chosen) } catch {
            throw SetupError("geo source: \(error)" + (defaulted ? " (install Debian's tor-geoipdb, or give --geo FILE)" : ""))
        }
        if let cacheFile, let fingerprint {
            try? FileManager.default.createDirectory(atPath: (cacheFile as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = GeoCache.save(db, fingerprint: fingerprint, to: cacheFile)
        }
        return (db, info(db), notes)
    }
}
