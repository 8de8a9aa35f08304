import ArgumentParser
import Reporting
import ServerRegistry
import Services

struct ServicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "services",
        abstract: "Work with the services catalogue that names what encrypted flows carry.",
        discussion: """
        A TLS, DTLS or QUIC flow (and a plain HTTP flow its payload says no more of) is named \
        by its server name (SNI, Host, else its DNS name) against the catalogue: the flow \
        record's `service`, its category, and `categoryEvidence: service`. The built-in \
        catalogue covers IoT clouds, remote-access services, VPN services, update services \
        and storage; add your own with --services FILE or `services:` in borderflow.yaml.
        """,
        subcommands: [Check.self, List.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lint a services catalogue file: every problem with its line; exit 2 if any error.",
            discussion: """
            A catalogue is YAML:

              services:
                - id: plant-cloud                  # lower-case, digits, hyphens; unique
                  name: Plant cloud (MQTT broker)
                  operator: Example Cloud GmbH
                  category: telemetry              # telemetry, remote-maintenance, tunnel,
                                                   # firmware-update, data-storage, ...
                  hosts: ["*.mqtt.example.com", "api.example.com"]
                  ports: [8883, 443]               # optional: only on these server ports
                  source: "https://example.com/docs/firewall"

            Host patterns match label by label: a leading `*.` stands for one or more labels, \
            a `*` label elsewhere for exactly one (`*.iot.*.amazonaws.com`); no wildcard inside \
            a label, and at least two fixed labels at the right. An entry with the id of a \
            built-in one replaces it. Problems print as FILE:LINE: error|warning: message; \
            warnings (unknown keys, a pattern two entries list, no source) do not fail the check.
            """
        )

        @Argument(help: "The catalogue file (YAML).")
        var file: String

        func run() throws {
            let (entries, problems) = ServiceCatalogueLoader.load(path: file)
            for p in problems { printError(VisibleText.escape(p.description)) }
            let errors = problems.filter { $0.severity == .error }.count
            print("\(file): \(entries.count) services, \(errors) errors, \(problems.count - errors) warnings")
            if errors > 0 { throw ExitCode(2) }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the catalogue's services: id, category, operator and host patterns (tab-separated).")

        @Option(help: ArgumentHelp("Catalogue file read after the built-in one; repeatable.", valueName: "file"))
        var services: [String] = []

        func run() throws {
            var entries = ServiceCatalogueLoader.builtIn()
            for path in services {
                let (more, problems) = ServiceCatalogueLoader.load(path: path)
                for p in problems { printError(VisibleText.escape(p.description)) }
                if problems.contains(where: { $0.severity == .error }) { throw ExitCode(2) }
                entries += more
            }
            for s in ServiceCatalogue(entries).services {
                print([s.id, s.category.name, s.operatorName, s.hosts.map(\.text).joined(separator: " "),
                       s.ports.map(String.init).joined(separator: ",")].map(VisibleText.escape).joined(separator: "\t"))
            }
        }
    }
}
