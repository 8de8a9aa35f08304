import ArgumentParser
import Foundation
import Geo
import Pipeline
import Policy
import Reporting
import ServerRegistry
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
            throw ValidationError("cannot read config file \(path)")
        }
        guard let node = try Yams.compose(yaml: text), let map = node.mapping else {
            throw ValidationError("\(path): expected a mapping (home:, geo:, registry:, fail_on:)")
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
}

/// Default geo sources: Debian's tor-geoipdb (IPFire location data, CC BY-SA 4.0).
enum DefaultGeo {
    static let paths = ["/usr/share/tor/geoip", "/usr/share/tor/geoip6"]
}

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find conversations that leave the home country and check their servers against the registry.",
        discussion: """
        Reads captures, builds flows, finds what each carries, places every server in a \
        country, and reports findings:

          unregistered-overseas-server  high    a server abroad that no registry entry names
          expired-registration          high    a registered server used outside its validity window
          purpose-mismatch              medium  a registered server sent data of a category it is not registered for
          unknown-destination           low     a public server no geo source places
          remote-maintenance            info    every cross-border remote-maintenance session (see --maintenance-log)

        Examples:
          borderflow scan --home CN --registry registry.yaml plant.pcapng
          borderflow scan --home DE,AT --format sarif -o findings.sarif captures/
          borderflow scan --config borderflow.yaml --maintenance-log maintenance.csv captures/

        Settings may come from borderflow.yaml (--config, default ./borderflow.yaml):
          home: [CN]
          registry: registry.yaml
          geo: [/usr/share/tor/geoip, /usr/share/tor/geoip6]
          fail_on: high

        Exit status: 0 no finding at or above --fail-on; 1 findings at or above it; \
        2 usage or configuration error, or an input that could not be read (the report \
        still covers every other input).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, ndjson, csv, sarif
    }

    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case none, info, low, medium, high
    }

    @Argument(help: "Capture files, directories, or - for standard input.")
    var paths: [String]

    @Option(help: "Home jurisdiction(s): ISO 3166-1 alpha-2 codes, comma-separated (e.g. CN or DE,AT).")
    var home: String?

    @Option(help: "Config file (YAML); default ./borderflow.yaml when present.")
    var config: String?

    @Option(help: "Geo source: CSV ranges (first,last,cc or cidr,cc), tor geoip files, RIR statistics; repeatable, earlier wins. Default: Debian's tor-geoipdb.")
    var geo: [String] = []

    @Option(help: "Registry of approved overseas servers (YAML or CSV).")
    var registry: String?

    @Option(help: "Report format: text, json, ndjson, csv, sarif.")
    var format: Format = .text

    @Option(name: .shortAndLong, help: "Write the report to FILE instead of standard output.")
    var output: String?

    @Option(help: "Worker count (default: all cores).")
    var jobs: Int?

    @Option(help: "Exit 1 when a finding is at or above this severity: none, info, low, medium, high.")
    var failOn: FailOn?

    @Flag(help: "Include every flow record in the json/ndjson report.")
    var includeFlows = false

    @Option(help: "Write one CSV row per cross-border remote-maintenance session to FILE.")
    var maintenanceLog: String?

    func run() throws {
        var file = ConfigFile()
        if let config { file = try ConfigFile.load(config) } else if FileManager.default.fileExists(atPath: "borderflow.yaml") {
            file = try ConfigFile.load("borderflow.yaml")
        }
        let homeCodes = (home.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces).uppercased() } } ?? file.home.map { $0.uppercased() })
        guard !homeCodes.isEmpty else {
            throw ValidationError("no home jurisdiction: give --home CC (e.g. --home CN) or `home:` in borderflow.yaml")
        }
        for c in homeCodes where CountryCode(c) == nil {
            throw ValidationError("--home: `\(c)` is not an ISO 3166-1 alpha-2 code")
        }
        let geoPaths = !geo.isEmpty ? geo : (!file.geo.isEmpty ? file.geo : DefaultGeo.paths)
        let db: GeoDatabase
        do { db = try GeoDatabase.load(paths: geoPaths) } catch {
            printError("borderflow: geo source: \(error)" + (geo.isEmpty && file.geo.isEmpty ? " (install Debian's tor-geoipdb, or give --geo FILE)" : ""))
            throw ExitCode(2)
        }
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
        }
        let policy = Policy(home: Set(homeCodes), geo: GeoLookup(db: db), registry: reg)
        let result = Scan.run(Inputs.expand(paths), policy: policy, keepFlows: includeFlows)
        let report = ScanReport(result: result, home: homeCodes, version: BorderflowVersion.string, includeFlows: includeFlows)

        let out = try OutputTarget(path: output)
        switch format {
        case .json: out.write(report.json.rendered(pretty: true) + "\n")
        case .ndjson: out.write(report.ndjson)
        case .csv: out.write(report.csv)
        case .sarif: out.write(report.sarif.rendered(pretty: true) + "\n")
        case .text: out.write(ScanText.render(report, colour: output == nil && isatty(1) != 0))
        }
        out.close()
        if let maintenanceLog {
            let log = try OutputTarget(path: maintenanceLog)
            log.write(report.maintenanceLog)
            log.close()
        }
        for scan in result.inputs where scan.summary.hasErrors {
            printError("\(scan.summary.path): " + (scan.summary.openError ?? scan.summary.problems.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")))
        }
        if result.hasInputErrors { throw ExitCode(2) }
        let threshold = failOn ?? FailOn(rawValue: file.failOn ?? "high") ?? .high
        if threshold != .none, let level = Severity(rawValue: threshold.rawValue),
           result.findings.findings.values.contains(where: { $0.severity >= level }) {
            throw ExitCode(1)
        }
    }
}
