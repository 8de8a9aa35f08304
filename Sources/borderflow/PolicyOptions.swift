import ArgumentParser
import Foundation
import Geo
import Networks
import Policy
import Reporting
import ServerRegistry
import Setup
import Verdicts
import WireBytes

enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case none, info, low, medium, high
}

/// Geo sources alone (`geo lookup` needs no home and no registry).
struct GeoOptions: ParsableArguments {
    @Option(help: "Config file (YAML); default ./borderflow.yaml when present.")
    var config: String?

    @Option(help: "Geo source: MaxMind DB (.mmdb), CSV ranges (first,last,cc or cidr,cc), tor geoip files, RIR statistics; gzip too; repeatable, earlier wins. Default: Debian's tor-geoipdb.")
    var geo: [String] = []

    func loadGeo(_ file: ConfigFile) throws -> (GeoDatabase, [ScanScope.GeoSourceInfo]) {
        do {
            let (db, info, notes) = try GeoSetup.load(paths: geo, config: file)
            for n in notes { printError("borderflow: note: " + n) }
            return (db, info)
        } catch { throw CommandFailure(error.description) }
    }
}

/// Who runs each server: AS data for the report.
struct NetworkOptions: ParsableArguments {
    @Option(help: ArgumentHelp("ASN database: MaxMind format (GeoLite2-ASN, DB-IP ASN Lite, IPinfo Lite) or a libloc database; repeatable, earlier wins. Default: the IPFire location database (Debian's libloc-database); `off` for none.", valueName: "file"))
    var asn: [String] = []

    @Option(help: ArgumentHelp("Device vendors: Wireshark's manuf file (the IEEE registry). Default: /usr/share/wireshark/manuf (Debian's wireshark-common); `off` for none.", valueName: "file"))
    var oui: String?

    /// The report with AS numbers and names, networks and anycast flags for its servers,
    /// and the vendors of its devices.
    func annotate(_ report: ScanReport) throws -> ScanReport {
        let directory: NetworkDirectory, notes: [String]
        do { (directory, notes) = try NetworkSetup.load(paths: asn) } catch { throw CommandFailure(error.description) }
        for n in notes { printError("borderflow: note: " + n) }
        var r = report.annotated(by: directory)
        do { r.vendors = try NetworkSetup.vendors(path: oui, wanted: r.ethernetAddresses) } catch { throw CommandFailure(error.description) }
        r.scope?.ouiSource = r.vendors?.path
        return r
    }
}

/// The options every judging command shares (scan, live): home, geo, registry, fail-on.
struct PolicyOptions: ParsableArguments {
    @Option(help: "Home jurisdiction(s): ISO 3166-1 alpha-2 codes, comma-separated (e.g. CN or DE,AT).")
    var home: String?

    @OptionGroup var geoOptions: GeoOptions

    @Option(help: "Registry of approved overseas servers (YAML or CSV).")
    var registry: String?

    @Option(help: ArgumentHelp("Services catalogue file, read after the built-in one (an entry with a built-in id replaces it); repeatable. Lint with `borderflow services check`.", valueName: "file"))
    var services: [String] = []

    @Option(help: ArgumentHelp("Bytes a data-storage flow must send abroad to raise offshore-data-storage (default 64K).", valueName: "size"))
    var offshoreMinimum: String?

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
        let file = try config()
        if home == nil, file.home.isEmpty { return nil }
        return try load(file)
    }

    /// Reads the config, geo sources and registry; a problem is one clear message and exit 2.
    func load() throws -> Loaded { try load(config()) }

    func config() throws -> ConfigFile {
        do { return try ConfigFile.resolve(geoOptions.config) } catch { throw CommandFailure(error.description) }
    }

    private func load(_ file: ConfigFile) throws -> Loaded {
        let setup: PolicySetup
        do { setup = try PolicySetup.load(home: home, geo: geoOptions.geo, registry: registry, config: file,
                                              services: services, offshoreMinimum: offshoreMinimum) } catch {
            for line in error.details { printError(line) }
            throw CommandFailure(error.description)
        }
        for p in setup.registryWarnings { printError(p.description) }
        for n in setup.notes { printError("borderflow: note: " + n) }
        let threshold = failOn ?? FailOn(rawValue: setup.configFailOn ?? "high") ?? .high
        return Loaded(policy: setup.policy, scope: setup.scope, failOn: threshold)
    }
}
