import ArgumentParser
import ServerRegistry

struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Work with the registry of approved overseas servers.",
        subcommands: [Check.self]
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
}
