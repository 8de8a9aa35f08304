import ArgumentParser
import Foundation
import Pipeline
import Policy
import Reporting
import Verdicts
import WireBytes

extension ReportFormat: ExpressibleByArgument {}

extension InputShard: ExpressibleByArgument {
    public init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else { return nil }
        self.init(k: k, n: n)
    }
}

/// The rules, their severities and what each means, for help texts: from `Rule` itself,
/// so a new rule is never missing here.
let ruleTable: String = Rule.allCases.map { r in
    "  " + r.rawValue.padding(toLength: 29, withPad: " ", startingAt: 0) + r.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0) + r.brief
}.joined(separator: "\n") + "\n(the maintenance rules' sessions are the rows of --maintenance-log)"

struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Find conversations that leave the home country and check their servers against the registry.",
        discussion: """
        Reads captures, builds flows, finds what each carries, places every server in a \
        country, and reports findings:

        \(ruleTable)

        How a category is known (categoryEvidence, and an evidence text in every report): \
        payload (a detector recognised the protocol), service (a TLS, DTLS, QUIC or HTTP \
        flow's server name matches the services catalogue: `borderflow services list`; add \
        your own with --services FILE), alpn (the protocol a ClientHello offers), port (a \
        secure protocol's port: a hint that never raises purpose-mismatch).

        Examples:
          borderflow scan --home CN --registry registry.yaml plant.pcapng
          borderflow scan --home DE,AT --format sarif -o findings.sarif captures/
          borderflow scan --config borderflow.yaml --maintenance-log maintenance.csv captures/
          borderflow scan --format html -o evidence.html captures/      a printable evidence report

        Archives (every core by default; the report is the same for any --jobs):
          borderflow scan --state-dir .bf-state captures/           keep each input's result as it finishes
          borderflow scan --state-dir .bf-state --resume captures/  after an interruption: skip what is done
          borderflow scan --shard 2/8 --emit partial -o part2.json captures/   one of 8 machines
          borderflow merge --format json part*.json                 the report one run would give

        Settings may come from borderflow.yaml (--config, default ./borderflow.yaml):
          home: [CN]
          registry: registry.yaml
          geo: [/usr/share/tor/geoip, /usr/share/tor/geoip6]
          services: [our-services.yaml]
          fail_on: high
          offshore_minimum: 64K

        Exit status: 0 no finding at or above --fail-on; 1 findings at or above it; \
        2 usage or configuration error, or an input that could not be read (the report \
        still covers every other input).
        """
    )

    enum Emit: String, ExpressibleByArgument, CaseIterable {
        case report, partial
    }

    @Argument(help: "Capture files, flow-log files, directories, or - for standard input.")
    var paths: [String]

    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup(title: "Who runs each server") var networkOptions: NetworkOptions

    @OptionGroup var report: ReportOptions

    @Option(help: "Worker count (default: all cores). Inputs are scanned in parallel; the report does not depend on it.")
    var jobs: Int?

    @Option(help: .hidden)
    var segmentSize: String?

    @Flag(help: "Include every flow record in the json/ndjson report.")
    var includeFlows = false

    @Option(help: "Scan only the K-th of N stable subsets of the inputs (e.g. 2/8), for runs spread over machines; pair with --emit partial and `borderflow merge`.")
    var shard: InputShard?

    @Option(help: "What to write: report (default), or partial: a mergeable result for `borderflow merge`.")
    var emit: Emit = .report

    @Option(help: "Keep each input's result in DIR as soon as it is done (written atomically), so an interrupted run can --resume.")
    var stateDir: String?

    @Flag(help: "With --state-dir: reuse the results of inputs already done (same path, size and modification time).")
    var resume = false

    @Flag(inversion: .prefixedNo, help: "Show progress on standard error (default: when it is a terminal).")
    var progress: Bool?

    @Flag(name: .shortAndLong, help: "No progress and no notes on standard error (errors still).")
    var quiet = false

    func validate() throws {
        if resume, stateDir == nil { throw ValidationError("--resume needs --state-dir DIR (where the earlier run kept its results)") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if emit == .partial, report.format != .text, report.format != .json {
            throw ValidationError("--emit partial writes borderflow's own JSON; --format does not apply (use it with `borderflow merge`)")
        }
    }

    /// Segment size (hidden: for tests and experiments; the default suits every run).
    func segmentBytes() throws -> Int {
        guard let segmentSize else { return CaptureSegments.segmentBytes }
        guard let n = ByteCount.parse(segmentSize, fractions: true), n >= 4096 else {
            throw ValidationError("--segment-size: `\(segmentSize)` is not a size of at least 4K")
        }
        return n
    }

    func run() throws {
        let loaded = try policyOptions.load()
        let all = try expandInputs(paths, quiet: quiet)
        // Indexes in the full list, so shards and resumed runs name inputs as one run would.
        let selected = shard?.select(all) ?? Array(all.indices)

        let state = try stateDir.map { try ScanState(directory: $0) }
        // Saved results are reused only under the same home, geo data, registry and version.
        let fingerprint = loaded.scope.fingerprint + ";tool=\(BorderflowVersion.string)"
        var restored: [Int: PartialReport] = [:]
        if resume, let state {
            for i in selected {
                if let p = try state.load(all[i], index: i, needFlows: includeFlows, fingerprint: fingerprint) { restored[i] = p }
            }
            if !quiet, !restored.isEmpty { printError("borderflow: resuming: \(restored.count) of \(selected.count) inputs already done") }
        }
        let todo = selected.filter { restored[$0] == nil }
        let tool = "borderflow \(BorderflowVersion.string)"

        let progressState = ScanProgress()
        let showProgress = !quiet && (progress ?? (isatty(2) != 0))
        let display = showProgress ? ProgressDisplay(progress: progressState, inputs: todo.map { all[$0] }) : nil
        display?.start()
        let home = loaded.scope.home
        // Flow records are kept only when the report is to list them: a batch run with
        // --state-dir or --emit partial must stay flat in memory however large the archive.
        let fresh = Scan.run(todo.map { all[$0] }, indexes: todo, policy: loaded.policy, keepFlows: includeFlows,
                             jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount,
                             segmentBytes: try segmentBytes(), progress: progressState) { index, part in
            state?.save(PartialReport(result: part, home: home, tool: tool, totalInputs: all.count, includeFlows: includeFlows,
                                      policyFingerprint: fingerprint),
                        input: all[index])
        }
        display?.stop()

        let result: ScanResult, inputs: [ReportInput]
        if restored.isEmpty {
            result = fresh
            inputs = zip(fresh.inputIndexes, fresh.inputs).map { ReportInput(index: $0, scan: $1) }
        } else {
            // Fresh and restored results merged in input order: the report one run gives.
            var parts: [(path: String, partial: PartialReport)] = restored.sorted { $0.key < $1.key }.map { ("state", $0.value) }
            parts.append(("scan", PartialReport(result: fresh, home: home, tool: tool, totalInputs: all.count, includeFlows: includeFlows)))
            (result, inputs, _, _) = try PartialReport.merge(parts)
        }

        var code: Int32 = 0
        if emit == .partial {
            // The merged result carries its inputs beside it, as report digests.
            var partial = PartialReport(result: result, home: home, tool: tool, totalInputs: all.count, includeFlows: includeFlows,
                                        scope: loaded.scope)
            partial.inputs = inputs
            try writeAtomically(partial.encoded(), to: report.output)
        } else {
            code = try report.write(networkOptions.annotate(ScanReport(result: result, inputs: inputs, home: home, version: BorderflowVersion.string,
                                                                       includeFlows: includeFlows, scope: loaded.scope)), failOn: loaded.failOn)
        }
        for input in inputs where input.hasErrors {
            printError(VisibleText.escape("\(input.path): " + input.errors.joined(separator: "; ")))
        }
        for l in result.limitsReached where !quiet { printError("borderflow: warning: " + l.text) }
        if inputs.contains(where: \.hasErrors) { throw ExitCode(2) }
        // A partial is one piece of a run: its findings decide the exit status at `merge`.
        if emit == .partial { return }
        if code != 0 { throw ExitCode(code) }
    }
}

/// Where and how `scan` and `merge` write their report.
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Report format: \(ReportFormat.names).",
                               discussion: ReportFormat.allCases.map { "\($0.rawValue): \($0.summary)" }.joined(separator: "; ")))
    var format: ReportFormat = .text

    @Option(name: .shortAndLong, help: "Write the report to FILE instead of standard output.")
    var output: String?

    @Option(help: "Write one CSV row per cross-border remote-maintenance session to FILE, each row chained to the previous one by SHA-256.")
    var maintenanceLog: String?

    @Flag(help: "With --maintenance-log: add to FILE only the sessions not already in it (after checking its chain), never rewriting earlier rows.")
    var append = false

    @Option(help: ArgumentHelp("An earlier run's JSON report or SARIF file: each finding is then new or unchanged, and the earlier ones no longer seen absent (SARIF baselineState).", valueName: "file"))
    var baseline: String?

    @Flag(help: "With --baseline: exit 1 only for new findings at or above --fail-on.")
    var failOnNew = false

    func validate() throws {
        if failOnNew, baseline == nil { throw ValidationError("--fail-on-new needs --baseline FILE") }
        if append, maintenanceLog == nil || maintenanceLog == "-" { throw ValidationError("--append needs --maintenance-log FILE") }
        // Refused before a long scan, not after it.
        if let baseline {
            do { _ = try Baseline.load(path: baseline) } catch { throw ValidationError(error.description) }
        }
    }

    /// Writes the report (with the baseline's states and the threshold JUnit fails at)
    /// and returns the exit status its findings give: 1 for findings at or above
    /// `failOn` (only new ones with --fail-on-new), else 0.
    @discardableResult
    func write(_ report: ScanReport, failOn: FailOn = .high) throws -> Int32 {
        var report = report
        report.failOn = Severity(rawValue: failOn.rawValue)
        if let baseline {
            do { report.baseline = try Baseline.load(path: baseline) } catch { throw CommandFailure(error.description) }
        }
        try writeReport(report, format: format, output: output, maintenanceLog: maintenanceLog, append: append)
        guard let level = report.failOn else { return 0 }
        let counted = report.result.findings.findings.values.filter { !failOnNew || report.baselineState($0) == .new }
        return counted.contains { $0.severity >= level } ? 1 : 0
    }
}

/// Renders a report in the chosen format (and the maintenance log), to a file or stdout.
func writeReport(_ report: ScanReport, format: ReportFormat, output: String?, maintenanceLog: String?, append: Bool = false) throws {
    let out = try OutputTarget(path: output)
    out.write(format.render(report, colour: format == .text && output == nil && isatty(1) != 0))
    try out.finish()
    if let maintenanceLog, append {
        do { _ = try MaintenanceLogFile.append(report.maintenanceRows, to: maintenanceLog) } catch { throw CommandFailure(error.description) }
    } else if let maintenanceLog {
        let log = try OutputTarget(path: maintenanceLog)
        log.write(report.maintenanceLog)
        try log.finish()
    }
}

/// Writes bytes to FILE whole (a temporary file created beside it, then renamed), or
/// to standard output.
func writeAtomically(_ data: Data, to path: String?) throws {
    let out = try ReportFile(path: path)
    data.withUnsafeBytes { out.write($0) }
    try out.finish()
}
