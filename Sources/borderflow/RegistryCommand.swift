import ArgumentParser
import Foundation
import Pipeline
import Reporting
import ServerRegistry

struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Work with the registry of approved overseas servers.",
        subcommands: [Check.self, Draft.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint a registry file: every problem with its line; exit 2 if any error.",
            discussion: """
            The registry lists approved overseas servers, in YAML:

              servers:
                - id: REG-2026-0001              # unique
                  operator: Example Cloud GmbH
                  country: DE                    # ISO 3166-1 alpha-2
                  addresses: [203.0.113.0/24, "2001:db8:10::/48", 198.51.100.7]
                  hostnames: [mqtt.example.de, "*.ota.example.com"]
                  purposes: [telemetry, firmware-update]
                  valid_from: 2026-01-01
                  valid_until: 2027-12-31        # inclusive; absent = open-ended

            or CSV with the header id,operator,country,endpoint,purposes,valid_from,valid_until \
            (one row per address, CIDR or hostname; purposes separated by ;).

            Purposes are payload categories: telemetry, remote-maintenance, firmware-update, \
            name-resolution, time-sync, file-transfer, web, unknown.

            Problems print as FILE:LINE: error|warning: message, like a compiler, so editors \
            and CI annotate them. Warnings (overlapping entries, unknown keys) do not fail the check.
            """
        )

        @Argument(help: "The registry file (YAML or CSV).")
        var file: String

        func run() throws {
            let (registry, problems) = RegistryLoader.load(path: file)
            for p in problems { printError(p.description) }
            let errors = problems.filter { $0.severity == .error }.count
            let warnings = problems.count - errors
            print("\(file): \(registry.entries.count) entries, \(errors) errors, \(warnings) warnings")
            if errors > 0 { throw ExitCode(2) }
        }
    }

    struct Draft: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draft registry entries for the overseas servers that traffic reaches and no entry names.",
            discussion: """
            Reads captures (scanned as `scan` would, with --home, --geo, --registry) or one JSON \
            report of `scan --format json`, and writes one YAML entry per overseas service: its \
            servers grouped by the domain of the names they were reached by, else by autonomous \
            system and country; the operator from the AS data, the purposes observed, first and \
            last seen. Each entry says `draft: true`: review it, set valid_from and valid_until, \
            and remove that line; until then `registry check` warns and the entry is not in force.

              borderflow registry draft --home CN captures/ -o draft.yaml
              borderflow registry draft report.json -o draft.yaml
              cat registry.yaml >> ...   # merge the entries you approve into your registry
            """)

        @Argument(help: "Captures (files or directories), or one JSON report.") var paths: [String]
        @OptionGroup var policyOptions: PolicyOptions
        @OptionGroup(title: "Who runs each server") var networkOptions: NetworkOptions
        @Option(name: .shortAndLong, help: "Write the draft to FILE instead of standard output.") var output: String?
        @Flag(name: .shortAndLong, help: "No notes on standard error.") var quiet = false

        func run() throws {
            let servers: [RegistryDraft.Server], source: String
            if paths.count == 1, let data = FileManager.default.contents(atPath: paths[0]), data.first == UInt8(ascii: "{") {
                do { servers = try RegistryDraft.servers(ofJSON: data, path: paths[0]) } catch { throw CommandFailure(error.description) }
                source = paths[0]
            } else {
                let loaded = try policyOptions.load()
                let inputs = try expandInputs(paths, quiet: quiet)
                let result = Scan.run(inputs, policy: loaded.policy, jobs: ProcessInfo.processInfo.activeProcessorCount)
                let report = try networkOptions.annotate(ScanReport(result: result, home: loaded.scope.home, version: BorderflowVersion.string,
                                                                    scope: loaded.scope))
                for input in report.inputs where input.hasErrors {
                    printError(VisibleText.escape("\(input.path): " + input.errors.joined(separator: "; ")))
                }
                if report.hasInputErrors { throw ExitCode(2) }
                servers = RegistryDraft.servers(of: report)
                source = "\(inputs.count) input\(inputs.count == 1 ? "" : "s")"
            }
            let out = try OutputTarget(path: output)
            out.write(RegistryDraft.yaml(servers, source: source))
            try out.finish()
            if !quiet { printError("borderflow: drafted entries for \(servers.count) unregistered servers abroad") }
        }
    }
}
