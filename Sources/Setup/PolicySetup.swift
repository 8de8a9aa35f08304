import Foundation
import Geo
import Policy
import Reporting
import ServerRegistry
import Services
import Verdicts
import WireBytes

/// Everything a judging run starts from: the home jurisdictions, geo sources and
/// registry made into a `Policy`, with the scope the report states. The command line,
/// the tests and the benchmarks set up the same way.
public struct PolicySetup: Sendable {
    public var policy: Policy
    public var scope: ScanScope
    /// The config file's `fail_on`, if it has one.
    public var configFailOn: String?
    /// The registry's and services catalogue's warnings (their errors stop the set-up).
    public var registryWarnings: [RegistryProblem]
    /// Notes for the user (a geo cache that was not used, and why).
    public var notes: [String] = []

    /// `home`: comma-separated codes (else the config's); `geo`: sources (else the
    /// config's, else the default ones); `registry`: a file (else the config's, else none).
    /// `services`: catalogue files read after the built-in one (else the config's);
    /// `offshoreMinimum`: a size such as `64K` (else the config's, else 64 KiB).
    public static func load(home: String?, geo: [String], registry: String?, config: ConfigFile,
                            services: [String] = [], offshoreMinimum: String? = nil) throws(SetupError) -> PolicySetup {
        let homeCodes = home.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces).uppercased() } }
            ?? config.home.map { $0.uppercased() }
        guard !homeCodes.isEmpty else {
            throw SetupError("no home jurisdiction: give --home CC (e.g. --home CN) or `home:` in borderflow.yaml")
        }
        let homeCountries: [String]
        switch Jurisdictions.expandHome(homeCodes) {
        case .success(let countries): homeCountries = countries
        case .failure(let unknown):
            let groups = Jurisdictions.groups.map(\.code).joined(separator: ", ")
            throw SetupError("--home: `\(VisibleText.escape(unknown.code))` is neither an assigned ISO 3166-1 alpha-2 country code (e.g. CN, DE, US) nor a group (\(groups))")
        }
        let (db, geoInfo, notes) = try GeoSetup.load(paths: geo, config: config)
        var scope = ScanScope(home: homeCountries, geoSources: geoInfo)
        var reg = Registry(entries: [])
        var warnings: [RegistryProblem] = []
        if let path = registry ?? config.registry {
            let (r, problems) = RegistryLoader.load(path: path)
            let errors = problems.filter { $0.severity == .error }
            if !errors.isEmpty {
                throw SetupError("the registry has \(errors.count) errors; fix them (borderflow registry check \(path)) and scan again",
                                 details: problems.map(\.description))
            }
            warnings = problems
            reg = r
            scope.registryPath = path
            scope.registryModified = modificationTime(path)
            scope.registryDigest = RegistryDigest.sha256(ofFile: path)
            scope.registryEntries = r.entries
        }
        let files = services.isEmpty ? config.services : services
        let (catalogue, serviceWarnings) = try loadServices(files)
        warnings += serviceWarnings
        if !files.isEmpty { scope.servicesFiles = files.map { .init(path: $0, digest: RegistryDigest.sha256(ofFile: $0)) } }
        scope.servicesEntries = catalogue.services.count
        var minimum = Policy.offshoreStorageMinimumBytes
        if let text = offshoreMinimum ?? config.offshoreMinimum {
            guard let n = ByteCount.parse(text) else {
                throw SetupError("offshore minimum `\(VisibleText.escape(text))` is not a size such as 64K, 1M or 65536")
            }
            minimum = UInt64(n)
            if minimum != Policy.offshoreStorageMinimumBytes { scope.offshoreStorageMinimum = minimum }
        }
        let policy = Policy(home: Set(homeCountries), geo: GeoLookup(db: db), registry: reg, regions: GeoSetup.regions,
                            services: catalogue, offshoreStorageMinimum: minimum)
        return PolicySetup(policy: policy, scope: scope,
                           configFailOn: config.failOn, registryWarnings: warnings, notes: notes)
    }

    /// The built-in catalogue, then each file's entries; any error stops the set-up.
    public static func loadServices(_ files: [String]) throws(SetupError) -> (ServiceCatalogue, [RegistryProblem]) {
        var entries = ServiceCatalogueLoader.builtIn()
        var warnings: [RegistryProblem] = []
        for path in files {
            let (more, problems) = ServiceCatalogueLoader.load(path: path)
            let errors = problems.filter { $0.severity == .error }
            if !errors.isEmpty {
                throw SetupError("the services catalogue \(path) has \(errors.count) errors; fix them (borderflow services check \(path)) and scan again",
                                 details: problems.map(\.description))
            }
            warnings += problems
            entries += more
        }
        return (ServiceCatalogue(entries), warnings)
    }
}
