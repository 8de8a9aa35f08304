import ArgumentParser
import Pipeline
import Reporting

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Say what captures hold: format, link types, interfaces, packets, bytes, time span, truncation.",
        discussion: """
        Like capinfos, for every format borderflow reads. Each PATH is a capture file, \
        a directory (searched recursively, in sorted order) or - for standard input.

        Examples:
          borderflow info plant.pcapng
          borderflow info --format json captures/ > inventory.json
          zcat old.pcap.gz | borderflow info -

        Exit status: 0 when every input was read; 2 when any input could not be read or \
        was corrupt (the others are still reported). A capture cut off inside its last \
        packet is a warning, not an error.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Capture files, directories, or - for standard input.")
    var paths: [String]

    @Option(help: "Output format: text or json ({\"inputs\": [...]}, the scan report's input objects).")
    var format: Format = .text

    @Option(name: .shortAndLong, help: "Write the report to FILE instead of standard output.")
    var output: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one capture file, directory or -") }
    }

    func run() throws {
        let out = try OutputTarget(path: output)
        var failed = false
        var summaries: [CaptureSummary] = []
        for input in try expandInputs(paths, quiet: false) {
            let summary = CaptureSummary.read(input)
            failed = failed || summary.hasErrors
            switch format {
            case .text:
                out.write((summaries.isEmpty ? "" : "\n") + InfoText.render(summary))
                summaries.append(summary)
            case .json:
                summaries.append(summary)
            }
        }
        if format == .json {
            out.write(JSON.object([("inputs", .array(summaries.map(\.json)))]).rendered(pretty: true) + "\n")
        }
        try out.finish()
        if failed { throw ExitCode(2) }
    }
}
