import ArgumentParser
import Foundation
import Reporting
import Setup
import WireBytes

/// `borderflow geo lookup IP...`: where the configured geo sources place addresses.
struct GeoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo",
        abstract: "Ask the geo sources where addresses are.",
        subcommands: [Lookup.self]
    )

    struct Lookup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lookup",
            abstract: "Print the country the geo sources give each address (tab-separated, - when none).",
            discussion: """
            Examples:
              borderflow geo lookup 8.8.8.8 2001:4860:4860::8888
              borderflow geo lookup --geo GeoLite2-Country.mmdb --format json 1.1.1.1
              cut -f3 conn.log | borderflow geo lookup        addresses on standard input, one a line

            Special-purpose addresses (private, loopback, documentation ...) are looked up \
            like any other here; scan never counts them as cross-border.
            """
        )

        enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

        @Argument(help: "IPv4 or IPv6 addresses; none: read them from standard input, one a line.")
        var addresses: [String] = []

        @OptionGroup var geoOptions: GeoOptions

        @Option(help: "Output: text (address, tab, code) or json ([{\"ip\", \"country\"}]).")
        var format: Format = .text

        func run() throws {
            let file: ConfigFile
            do { file = try ConfigFile.resolve(geoOptions.config) } catch { throw CommandFailure(error.description) }
            let (db, _) = try geoOptions.loadGeo(file)
            var list = addresses
            if list.isEmpty {
                while let line = readLine() {
                    let t = line.trimmingCharacters(in: .whitespaces)
                    if !t.isEmpty { list.append(t) }
                }
            }
            var bad: [String] = []
            var rows: [(String, String?)] = []
            for text in list {
                guard let a = IPAddress(text) else { bad.append(text); continue }
                rows.append((text, db.country(for: a)?.description))
            }
            let out = try OutputTarget(path: nil)
            switch format {
            case .text: for (ip, c) in rows { out.write("\(ip)\t\(c ?? "-")\n") }
            case .json:
                out.write(JSON.array(rows.map { .object([("ip", .string($0.0)), ("country", .optional($0.1))]) }).rendered(pretty: true) + "\n")
            }
            try out.finish()
            if !bad.isEmpty { throw CommandFailure("not an IP address: " + bad.joined(separator: ", ")) }
        }
    }
}
