import Foundation
import Reporting
import ServerRegistry
import Yams

/// `borderflow.yaml`: defaults for the options, so a plant's set-up lives in one file.
public struct ConfigFile: Sendable {
    public var home: [String] = []
    public var geo: [String] = []
    public var registry: String?
    public var failOn: String?
    /// Services catalogue files, read after the built-in one.
    public var services: [String] = []
    /// `offshore_minimum`: bytes to the server that make stored data (`64K`, `1M`).
    public var offshoreMinimum: String?

    public init() {}

    public static func load(_ path: String) throws(SetupError) -> ConfigFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SetupError("cannot read config file \(path)")
        }
        // The basic resolver: every scalar stays a string (all this file holds); the
        // default one compiles and runs its regular expressions, ~1.5 ms of start-up.
        let composed: Node?
        do { composed = try Yams.compose(yaml: text, .basic) } catch { throw SetupError(syntaxError(error, path: path)) }
        guard let node = composed, let map = node.mapping else {
            throw SetupError("\(path): expected a mapping (home:, geo:, registry:, services:, fail_on:, offshore_minimum:)")
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
        c.services = list("services")
        c.offshoreMinimum = map["offshore_minimum"]?.string ?? map["offshore-minimum"]?.string
        // Relative paths in the config are relative to the config file.
        let dir = (path as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String { p.hasPrefix("/") || dir.isEmpty ? p : dir + "/" + p }
        c.geo = c.geo.map(resolve)
        c.registry = c.registry.map(resolve)
        c.services = c.services.map(resolve)
        return c
    }

    /// `FILE:LINE:COLUMN: error: ...` for a YAML error, without quoting the file.
    static func syntaxError(_ error: any Error, path: String) -> String {
        let (problem, line, column) = YAMLProblem.describe(error)
        let place = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
        return "\(path)\(place): error: \(VisibleText.escape(problem)) (the config file is not valid YAML)"
    }

    /// `path` (`--config FILE`), else `./borderflow.yaml` when present, else nothing.
    public static func resolve(_ path: String?) throws(SetupError) -> ConfigFile {
        if let path { return try load(path) }
        if FileManager.default.fileExists(atPath: "borderflow.yaml") { return try load("borderflow.yaml") }
        return ConfigFile()
    }
}
