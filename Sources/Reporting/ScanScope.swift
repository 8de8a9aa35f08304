import Networks
import ServerRegistry

/// What a scan was measured against: home, geo sources and registry, as the evidence
/// report's scope section and registry coverage state them.
public struct ScanScope: Sendable, Equatable, Codable {
    public struct GeoSourceInfo: Sendable, Equatable, Codable {
        public var path: String
        public var ranges: Int
        /// Modification time of the file (nanoseconds since the epoch), when known.
        public var modified: Int64?

        public init(path: String, ranges: Int, modified: Int64?) {
            self.path = path
            self.ranges = ranges
            self.modified = modified
        }
    }

    public var home: [String]
    public var geoSources: [GeoSourceInfo]
    public var registryPath: String?
    /// Modification time of the registry file (nanoseconds since the epoch), when known.
    public var registryModified: Int64?
    /// Hex SHA-256 of the registry file: the registry "version" a report was made with.
    public var registryDigest: String?
    public var registryEntries: [RegistryEntry]
    /// Where AS numbers and names, networks and the anycast flag came from (countries
    /// come from `geoSources`).
    public var networkSources: [NetworkSourceInfo] = []
    /// The OUI registry device vendors came from, if any.
    public var ouiSource: String?
    /// Services catalogue files given besides the built-in one (`--services`), with
    /// their SHA-256; absent when only the built-in catalogue was used.
    public var servicesFiles: [ServicesFileInfo]?
    /// Entries of the services catalogue the run used.
    public var servicesEntries: Int?
    /// The `offshore-data-storage` minimum, when it is not the default 64 KiB.
    public var offshoreStorageMinimum: UInt64?

    public struct ServicesFileInfo: Sendable, Equatable, Codable {
        public var path: String
        public var digest: String?
        public init(path: String, digest: String?) {
            self.path = path
            self.digest = digest
        }
    }

    public init(home: [String], geoSources: [GeoSourceInfo] = [], registryPath: String? = nil, registryModified: Int64? = nil,
                registryDigest: String? = nil, registryEntries: [RegistryEntry] = []) {
        self.home = home
        self.geoSources = geoSources
        self.registryPath = registryPath
        self.registryModified = registryModified
        self.registryDigest = registryDigest
        self.registryEntries = registryEntries
    }

    /// What decides the findings, independent of where files are on a machine: home,
    /// the geo sources' range counts, the registry's digest.
    public var fingerprint: String {
        "home=\(home.joined(separator: ","));geo=\(geoSources.map { String($0.ranges) }.joined(separator: ","));registry=\(registryDigest ?? "-")"
            + (servicesFiles.map { ";services=" + $0.map { $0.digest ?? "-" }.joined(separator: ",") } ?? "")
            + (offshoreStorageMinimum.map { ";offshoreMinimum=\($0)" } ?? "")
    }
}
