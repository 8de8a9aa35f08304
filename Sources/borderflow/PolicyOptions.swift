import ArgumentParser
import Foundation
import Geo
import Policy
import Reporting
import ServerRegistry
import Verdicts
import WireBytes
import Yams

/// Geo lookups for the policy, backed by the compiled range table.
struct GeoLookup: CountryLookup {
    let db: GeoDatabase
    func country(for address: IPAddress) -> String? { db.country(for: address)?.description }
}

/// `borderflow.yaml`: defaults for the options, so a plant's set-up lives in one file.
struct ConfigFile {
    var home: [String] = []
    var geo: [String] = []
    var registry: String?
    var failOn: String?

    static func load(_ path: String) throws -> ConfigFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure("cannot read config file \(path)")
        }
        // The basic resolver: every scalar stays a string (all this file holds); the
        // default one compiles and runs its regular expressions, ~1.5 ms of start-up.
        let composed: Node?
        do { composed = try Yams.compose(yaml: text, .basic) } catch { throw CommandFailure(ConfigFile.syntaxError(error, path: path)) }
        guard let node = composed, let map = node.mapping else {
            throw CommandFailure("\(path): expected a mapping (home:, geo:, registry:, fail_on:)")
        }
        var c = ConfigFile()
        func list(_ key: String) -> [String] {
            guard let v = map[key] else { return [] }
            if let s = v.string { return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            return v.sequence?.compactMap(\.string) ?? []
        }
        c.home = list("home")
        c.geo = list("geo")
        c.registry = map["registry"]?.string
        c.failOn = map["fail_on"]?.string ?? map["fail-on"]?.string
        // Relative paths in the config are relative to the config file.
        let dir = (path as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String { p.hasPrefix("/") || dir.isEmpty ? p : dir + "/" + p }
        c.geo = c.geo.map(resolve)
        c.registry = c.registry.map(resolve)
        return c
    }

    /// `FILE:LINE:COLUMN: error: ...` for a YAML error, without quoting the file.
    static func syntaxError(_ error: any Error, path: String) -> String {
        let (problem, line, column) = YAMLProblem.describe(error)
        let place = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
        return "\(path)\(place): error: \(VisibleText.escape(problem)) (the config file is not valid YAML)"
    }

    /// `--config FILE`, else `./borderflow.yaml` when present, else nothing.
    static func resolve(_ path: String?) throws -> ConfigFile {
        if let path { return try load(path) }
        if FileManager.default.fileExists(atPath: "borderflow.yaml") { return try load("borderflow.yaml") }
        return ConfigFile()
    }
}

/// Default geo sources: Debian's tor-geoipdb (IPFire location data, CC BY-SA 4.0).
enum DefaultGeo {
    static let paths = ["/usr/share/tor/geoip", "/usr/share/tor/geoip6"]
}

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case none, info, low, medium, high
}

func modificationTime(_ path: String) -> Int64? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    return Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
}

/// Geo sources alone (`geo lookup` needs no home and no registry).
struct GeoOptions: ParsableArguments {
    @Option(help: "Config file (YAML); default ./borderflow.yaml when present.")
    var config: String?

    @Option(help: "Geo source: MaxMind DB (.mmdb), CSV ranges (first,last,cc or cidr,cc), tor geoip files, RIR statistics; gzip too; repeatable, earlier wins. Default: Debian's tor-geoipdb.")
    var geo: [String] = []

    func loadGeo(_ file: ConfigFile) throws -> (GeoDatabase, [ScanScope.GeoSourceInfo]) {
        let defaulted = geo.isEmpty && file.geo.isEmpty
        let paths = !geo.isEmpty ? geo : (!file.geo.isEmpty ? file.geo : DefaultGeo.paths)
        do {
            let db = try GeoDatabase.load(paths: paths)
            return (db, db.sources.map { .init(path: $0.path, ranges: $0.ranges, modified: modificationTime($0.path)) })
        } catch {
            printError("borderflow: geo source: \(error)" + (defaulted ? " (install Debian's tor-geoipdb, or give --geo FILE)" : ""))
            throw ExitCode(2)
        }
    }
}

/// The options every judging command shares (scan, live): home, geo, registry, fail-on.
struct PolicyOptions: ParsableArguments {
    @Option(help: "Home jurisdiction(s): ISO 3166-1 alpha-2 codes, comma-separated (e.g. CN or DE,AT).")
    var home: String?

    @OptionGroup var geoOptions: GeoOptions

    @Option(help: "Registry of approved overseas servers (YAML or CSV).")
    var registry: String?

    @Option(help: "Exit 1 when a finding is at or above this severity: none, info, low, medium, high.")
    var failOn: FailOn?

    struct Loaded {
        var policy: Policy
        var scope: ScanScope
        var failOn: FailOn
    }

    /// For commands where judging is optional (`flows`): nil when no home is given
    /// anywhere (flag or config file).
    func loadIfConfigured() throws -> Loaded? {
        let file = try ConfigFile.resolve(geoOptions.config)
        if home == nil, file.home.isEmpty { return nil }
        return try load(file)
    }

    /// Reads the config, geo sources and registry; a problem is one clear message and exit 2.
    func load() throws -> Loaded { try load(ConfigFile.resolve(geoOptions.config)) }

    private func load(_ file: ConfigFile) throws -> Loaded {
        let homeCodes = (home.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces).uppercased() } }
            ?? file.home.map { $0.uppercased() })
        guard !homeCodes.isEmpty else {
            throw CommandFailure("no home jurisdiction: give --home CC (e.g. --home CN) or `home:` in borderflow.yaml")
        }
        for c in homeCodes where CountryCode(c) == nil || !ISO3166.isAssigned(c) {
            throw CommandFailure("--home: `\(VisibleText.escape(c))` is not an assigned ISO 3166-1 alpha-2 country code (e.g. CN, DE, US)")
        }
        let (db, geoInfo) = try geoOptions.loadGeo(file)
        var scope = ScanScope(home: homeCodes, geoSources: geoInfo)
        var reg = Registry(entries: [])
        if let path = registry ?? file.registry {
            let (r, problems) = RegistryLoader.load(path: path)
            let errors = problems.filter { $0.severity == .error }
            for p in problems { printError(p.description) }
            if !errors.isEmpty {
                printError("borderflow: the registry has \(errors.count) errors; fix them (borderflow registry check \(path)) and scan again")
                throw ExitCode(2)
            }
            reg = r
            scope.registryPath = path
            scope.registryModified = modificationTime(path)
            scope.registryDigest = RegistryDigest.sha256(ofFile: path)
            scope.registryEntries = r.entries
        }
        let threshold = failOn ?? FailOn(rawValue: file.failOn ?? "high") ?? .high
        return Loaded(policy: Policy(home: Set(homeCodes), geo: GeoLookup(db: db), registry: reg), scope: scope, failOn: threshold)
    }
}

/// Exit 1 when any finding is at or above the threshold.
func findingsExitCode(_ findings: FindingAggregator, threshold: FailOn) -> Int32 {
    guard threshold != .none, let level = Severity(rawValue: threshold.rawValue) else { return 0 }
    return findings.findings.values.contains(where: { $0.severity >= level }) ? 1 : 0
}
