import ArgumentParser
import Foundation
import Geo
import Reporting
import Setup
import WireBytes

/// `borderflow geo lookup IP...`: where the configured geo sources place addresses.
struct GeoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "geo",
        abstract: "Ask the geo sources where addresses are.",
        subcommands: [Lookup.self, Compile.self]
    )

    struct Compile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compile",
            abstract: "Compile the geo sources into the cache that later runs read in milliseconds.",
            discussion: """
            Every run compiles large geo sources (the default tor-geoipdb data takes a third \
            of a second) into a binary range table once, keeps it in the cache directory and \
            reads it back from then on; a cache that does not match its sources (path, size, \
            modification time and a hash of the bytes) or does not hold up is compiled afresh \
            with a note. This command does it ahead of time, e.g. when building a container image.

            Cache directory: $BORDERFLOW_GEO_CACHE (or `off`), else $XDG_CACHE_HOME/borderflow, \
            else ~/.cache/borderflow.

            Examples:
              borderflow geo compile
              BORDERFLOW_GEO_CACHE=/opt/borderflow/cache borderflow geo compile --geo GeoLite2-Country.mmdb
            """
        )

        @OptionGroup var geoOptions: GeoOptions

        func run() throws {
            let file: ConfigFile
            do { file = try ConfigFile.resolve(geoOptions.config) } catch { throw CommandFailure(error.description) }
            guard let dir = GeoSetup.cacheDirectory() else {
                throw CommandFailure("no cache directory: set BORDERFLOW_GEO_CACHE to a directory (it is `off` or HOME is unset)")
            }
            let chosen = !geoOptions.geo.isEmpty ? geoOptions.geo : (!file.geo.isEmpty ? file.geo : GeoSetup.defaultPaths)
            let target = dir + "/" + GeoCache.fileName(for: chosen)
            // Compiled afresh, whatever is there now.
            unlink(target)
            let (db, _) = try geoOptions.loadGeo(file)
            guard FileManager.default.fileExists(atPath: target) else {
                throw CommandFailure("could not write \(target) (sources below \(GeoCache.minimumSourceBytes >> 20) MiB are not cached: they compile in milliseconds)")
            }
            print("\(target): \(db.table.count) ranges from \(db.sources.count) sources")
        }
    }

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
