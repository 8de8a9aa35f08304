import ArgumentParser
import Reporting

/// `borderflow diff OLD.json NEW.json`: what changed between two runs.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "What changed between two JSON reports: findings, servers, countries, categories.",
        discussion: """
        Findings are matched by rule and server (their fingerprint), as --baseline does. \
        Exit status as diff(1): 0 no change, 1 changes, 2 a file that is not a borderflow JSON report.

          borderflow scan --home CN --format json -o week49.json captures/
          borderflow diff week48.json week49.json
        """)

    @Argument(help: "The earlier JSON report.") var old: String
    @Argument(help: "The later JSON report.") var new: String

    enum Format: String, ExpressibleByArgument { case text, json }
    @Option(help: "text or json.") var format: Format = .text
    @Option(name: .shortAndLong, help: "Write to FILE instead of standard output.") var output: String?

    func run() throws {
        let diff: ReportDiff
        do { diff = ReportDiff(old: try ReportDiff.side(path: old), new: try ReportDiff.side(path: new)) } catch {
            throw CommandFailure(error.description)
        }
        let out = try OutputTarget(path: output)
        out.write(format == .json ? diff.json.rendered(pretty: true) + "\n" : diff.text)
        try out.finish()
        if !diff.isEmpty { throw ExitCode(1) }
    }
}
