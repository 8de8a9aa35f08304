import ArgumentParser
import Flows
import Pipeline
import Reporting

struct FlowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows",
        abstract: "Write the flow records of captures (no policy), for other tools.",
        discussion: """
        One record per conversation, both directions, oriented client → server (the \
        TCP SYN sender; else the first sender, unless only the other side uses a service \
        port). Records stream out as flows end (idle or closed), so memory stays flat.

        Formats:
          ndjson   one JSON object per line (default): DuckDB read_json, pandas read_json(lines=True), jq
          csv      a header row, then one row per flow: DuckDB read_csv, pandas read_csv, Spark
          json     {"inputs": [...], "flows": [...]}

        Examples:
          borderflow flows plant.pcapng > flows.ndjson
          borderflow flows --format csv captures/ -o flows.csv
          duckdb -c "select serverIp, sum(bytesToServer) from read_json('flows.ndjson') group by 1 order by 2 desc"
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case ndjson, csv, json
    }

    @Argument(help: "Capture files, directories, or - for standard input.")
    var paths: [String]

    @Option(help: "ndjson (default), csv or json.")
    var format: Format = .ndjson

    @Option(name: .shortAndLong, help: "Write to FILE instead of standard output.")
    var output: String?

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one capture file, directory or -") }
    }

    func run() throws {
        let out = try OutputTarget(path: output)
        var collected: [FlowRecord] = []
        if format == .csv { out.write(FlowRecordReport.csvHeader) }
        var writer = FlowRecordWriter()
        let scans = FlowScan.run(Inputs.expand(paths)) { record in
            switch format {
            case .ndjson: writer.ndjson(record)
            case .csv: writer.csv(record)
            case .json: collected.append(record)
            }
            if writer.buffer.count >= 1 << 16 {
                out.write(writer.buffer)
                writer.buffer.removeAll(keepingCapacity: true)
            }
        }
        out.write(writer.buffer)
        if format == .json {
            let doc = JSON.object([
                ("inputs", .array(scans.map(\.json))),
                ("flows", .array(collected.map { FlowRecordReport.json($0) })),
            ])
            out.write(doc.rendered(pretty: true) + "\n")
        }
        out.close()
        for scan in scans where scan.summary.hasErrors {
            printError("\(scan.summary.path): " + (scan.summary.openError ?? scan.summary.problems.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")))
        }
        if scans.contains(where: { $0.summary.hasErrors }) { throw ExitCode(2) }
    }
}
