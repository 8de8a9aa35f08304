import ArgumentParser
import Flows
import Foundation
import Pipeline
import Policy
import Reporting

struct FlowsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flows",
        abstract: "Write the flow records of captures (no findings), for other tools.",
        discussion: """
        One record per conversation, both directions, oriented client → server (the \
        TCP SYN sender; else the first sender, unless only the other side uses a service \
        port). Records stream out as flows end (idle or closed), so memory stays flat.

        With a home jurisdiction (--home, or home: in the config file) each record is \
        also placed and checked like scan does: serverCountry, crossBorder, registry, \
        clientCountry, inbound. Without one, those fields stay null / false / \
        not-applicable.

        Formats:
          ndjson   one JSON object per line (default): DuckDB read_json, pandas read_json(lines=True), jq
          csv      a header row, then one row per flow: DuckDB read_csv, pandas read_csv, Spark
          json     {"inputs": [...], "flows": [...]}

        Several inputs are read in parallel (--jobs, default every core); the output is the \
        same for any --jobs: each input's records, in input order.

        Examples:
          borderflow flows plant.pcapng > flows.ndjson
          borderflow flows --format csv captures/ -o flows.csv
          borderflow flows --home CN --registry registry.yaml captures/ > judged.ndjson
          duckdb -c "select serverIp, sum(bytesToServer) from read_json('flows.ndjson') group by 1 order by 2 desc"
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case ndjson, csv, json
    }

    @Argument(help: "Capture files, flow-log files, directories, or - for standard input.")
    var paths: [String]

    @Option(help: "ndjson (default), csv or json.")
    var format: Format = .ndjson

    @Option(name: .shortAndLong, help: "Write to FILE instead of standard output.")
    var output: String?

    @Option(help: "Worker count (default: all cores). Inputs are read in parallel; the output does not depend on it.")
    var jobs: Int?

    @OptionGroup var policyOptions: PolicyOptions

    func validate() throws {
        if paths.isEmpty { throw ValidationError("name at least one capture file, directory or -") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let policy = try policyOptions.loadIfConfigured()?.policy
        let inputs = try expandInputs(paths, quiet: false)
        let out = try OutputTarget(path: output)
        if format == .csv { out.write(FlowRecordReport.csvHeader) }
        let workers = min(jobs ?? ProcessInfo.processInfo.activeProcessorCount, inputs.count)
        var scans: [InputScan] = []
        var collected: [FlowRecord] = []
        if workers <= 1 || format == .json {
            // Straight to the output (json keeps the records for its one document).
            for (index, input) in inputs.enumerated() {
                scans.append(Self.records(of: input, index: index, format: format, policy: policy, collected: &collected, flush: out.write))
            }
        } else {
            scans = try Self.parallel(inputs, workers: workers, format: format, policy: policy, to: out)
        }
        if format == .json {
            let doc = JSON.object([
                ("inputs", .array(scans.map(\.json))),
                ("flows", .array(collected.map { FlowRecordReport.json($0) })),
            ])
            out.write(doc.rendered(pretty: true) + "\n")
        }
        try out.finish()
        for scan in scans where scan.summary.hasErrors {
            printError(VisibleText.escape("\(scan.summary.path): " + (scan.summary.openError ?? scan.summary.problems.filter { $0.severity == .error }.map(\.description).joined(separator: "; "))))
        }
        if scans.contains(where: { $0.summary.hasErrors }) { throw ExitCode(2) }
    }

    /// One input's records, judged when there is a policy, in `format`: NDJSON and CSV
    /// go to `flush` in 64 KiB pieces, JSON records are collected for the one document.
    static func records(of input: InputSource, index: Int, format: Format, policy: Policy?, collected: inout [FlowRecord],
                        flush: (UnsafeRawBufferPointer) -> Void) -> InputScan {
        var writer = FlowRecordWriter()
        let scan = FlowScan.runOne(input, index: index) { record in
            var r = record
            if let policy { _ = policy.judge(&r) }
            switch format {
            case .ndjson: writer.ndjson(r)
            case .csv: writer.csv(r)
            case .json: collected.append(r)
            }
            if writer.buffer.count >= 1 << 16 {
                writer.buffer.withUnsafeBytes(flush)
                writer.buffer.removeAll(keepingCapacity: true)
            }
        }
        writer.buffer.withUnsafeBytes(flush)
        return scan
    }

    /// Each input's records go to a temporary file of its own while workers read inputs
    /// in parallel; the files are then appended to the output in input order (memory
    /// stays flat, and the output does not depend on which worker finished first).
    static func parallel(_ inputs: [InputSource], workers: Int, format: Format, policy: Policy?,
                         to out: OutputTarget) throws -> [InputScan] {
        // A fresh private directory (mkdtemp), files created there exclusively: nothing
        // another user planted can be written through or read.
        var template = Array((NSTemporaryDirectory() + "borderflow-flows-XXXXXX").utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { b in mkdtemp(b.baseAddress!).map { String(cString: $0) } }
        guard let dir = made else {
            throw CommandFailure("cannot create a temporary directory in \(NSTemporaryDirectory()): \(String(cString: strerror(errno)))")
        }
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let parts = Parallel.map(count: inputs.count, workers: workers) { i -> (InputScan?, failure: String?) in
            let part = dir + "/\(i)"
            let fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            let what = "the flow records of \(inputs[i].displayPath) to \(part)"
            guard fd >= 0, let file = fdopen(fd, "w") else { return (nil, "cannot write \(what): \(String(cString: strerror(errno)))") }
            var wrote = true
            var unused: [FlowRecord] = []
            let scan = records(of: inputs[i], index: i, format: format, policy: policy, collected: &unused) { bytes in
                if fwrite(bytes.baseAddress, 1, bytes.count, file) != bytes.count { wrote = false }
            }
            if fflush(file) != 0 || ferror(file) != 0 { wrote = false }
            if fclose(file) != 0 { wrote = false }
            return (scan, wrote ? nil : "cannot write \(what): \(String(cString: strerror(errno))) (is the disk full?)")
        }
        if let message = parts.lazy.compactMap(\.failure).first { throw CommandFailure(message) }
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { chunk.deallocate() }
        for i in inputs.indices {
            guard let file = fopen(dir + "/\(i)", "r") else {
                throw CommandFailure("cannot read back the flow records of \(inputs[i].displayPath) from \(dir)/\(i): \(String(cString: strerror(errno)))")
            }
            while case let n = fread(chunk.baseAddress, 1, chunk.count, file), n > 0 {
                out.write(UnsafeRawBufferPointer(rebasing: chunk[0 ..< n]))
            }
            fclose(file)
            unlink(dir + "/\(i)")
        }
        return parts.compactMap(\.0)
    }
}
