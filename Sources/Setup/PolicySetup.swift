import Foundation
import Geo
import Policy
import Reporting
import ServerRegistry
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
    /// The registry's warnings (its errors stop the set-up).
    public var registryWarnings: [RegistryProblem]
    /// Notes for the user (a geo cache that was not used, and why).
    public var notes: [String] = []

    /// `home`: comma-separated codes (else the config's); `geo`: sources (else the
    /// config's, else the default ones); `registry`: a file (else the config's, else none).
    public static func load(home: String?, geo: [String], registry: String?, config: ConfigFile) throws(SetupError) -> PolicySetup {
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
        return PolicySetup(policy: Policy(home: Set(homeCountries), geo: GeoLookup(db: db), registry: reg, regions: GeoSetup.regions), scope: scope,
                           configFailOn: config.failOn, registryWarnings: warnings, notes: notes)
    }
}
