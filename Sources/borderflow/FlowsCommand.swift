import ArgumentParser
import Dispatch
import Flows
import Foundation
import Pipeline
import Policy
import Reporting
import Synchronization

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
        let inputs = Inputs.expand(paths)
        let out = try OutputTarget(path: output)
        if format == .csv { out.write(FlowRecordReport.csvHeader) }
        let workers = max(1, min(jobs ?? ProcessInfo.processInfo.activeProcessorCount, inputs.count))
        let format = self.format
        var scans: [InputScan] = []
        var collected: [FlowRecord] = []

        if workers == 1 || format == .json {
            // Streaming straight to the output (json keeps records for its one document).
            var writer = FlowRecordWriter()
            for (index, input) in inputs.enumerated() {
                scans.append(FlowScan.runOne(input, index: index) { record in
                    var r = record
                    if let policy { _ = policy.judge(&r) }
                    Self.write(r, format: format, into: &writer, collected: &collected)
                    if writer.buffer.count >= 1 << 16 {
                        out.write(writer.buffer)
                        writer.buffer.removeAll(keepingCapacity: true)
                    }
                })
            }
            out.write(writer.buffer)
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
            printError("\(scan.summary.path): " + (scan.summary.openError ?? scan.summary.problems.filter { $0.severity == .error }.map(\.description).joined(separator: "; ")))
        }
        if scans.contains(where: { $0.summary.hasErrors }) { throw ExitCode(2) }
    }

    static func write(_ r: FlowRecord, format: Format, into writer: inout FlowRecordWriter, collected: inout [FlowRecord]) {
        switch format {
        case .ndjson: writer.ndjson(r)
        case .csv: writer.csv(r)
        case .json: collected.append(r)
        }
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
        let next = Atomic<Int>(0)
        let results = Mutex<[InputScan?]>(Array(repeating: nil, count: inputs.count))
        let failure = Mutex<String?>(nil)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                if i >= inputs.count { break }
                let part = dir + "/\(i)"
                let fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
                guard fd >= 0, let file = fdopen(fd, "w") else {
                    failure.withLock { $0 = "cannot write \(part): \(String(cString: strerror(errno)))" }
                    break
                }
                var writer = FlowRecordWriter()
                var unused: [FlowRecord] = []
                var wrote = true
                func flush() {
                    let n = writer.buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
                    if n != writer.buffer.count { wrote = false }
                    writer.buffer.removeAll(keepingCapacity: true)
                }
                let scan = FlowScan.runOne(inputs[i], index: i) { record in
                    var r = record
                    if let policy { _ = policy.judge(&r) }
                    write(r, format: format, into: &writer, collected: &unused)
                    if writer.buffer.count >= 1 << 16 { flush() }
                }
                flush()
                if fflush(file) != 0 || ferror(file) != 0 { wrote = false }
                if fclose(file) != 0 { wrote = false }
                if !wrote { failure.withLock { $0 = "cannot write \(part): \(String(cString: strerror(errno))) (is the disk full?)" } }
                results.withLock { $0[i] = scan }
            }
        }
        if let message = failure.withLock({ $0 }) { throw CommandFailure(message) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        for i in inputs.indices {
            guard let file = fopen(dir + "/\(i)", "r") else {
                throw CommandFailure("cannot read back \(dir)/\(i): \(String(cString: strerror(errno)))")
            }
            while true {
                let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
                if n <= 0 { break }
                out.write(Array(chunk[0 ..< n]))
            }
            fclose(file)
            unlink(dir + "/\(i)")
        }
        return results.withLock { $0.compactMap { $0 } }
    }
}
