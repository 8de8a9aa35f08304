import ArgumentParser
import Foundation
import Pipeline
import Reporting

/// `borderflow merge`: partial results of disjoint inputs (shards, machines) into the
/// report one run over all of them gives.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine partial results (scan --emit partial) into one report.",
        discussion: """
        Each partial holds the results of some inputs; merged, they give the report a \
        single scan of every input would give (same findings, counts and order).

        Examples:
          borderflow scan --config plant.yaml --shard 1/3 --emit partial -o part1.json captures/
          borderflow scan --config plant.yaml --shard 2/3 --emit partial -o part2.json captures/
          borderflow scan --config plant.yaml --shard 3/3 --emit partial -o part3.json captures/
          borderflow merge --format html -o evidence.html part1.json part2.json part3.json

        With GNU parallel:
          parallel borderflow scan --config plant.yaml --shard {}/8 --emit partial -o part{}.json captures/ ::: $(seq 8)
          borderflow merge --format json part*.json

        Exit status as for scan: 2 when an input failed in any partial or a partial \
        cannot be read, else 1 for findings at or above --fail-on, else 0.
        """
    )

    @Argument(help: "Partial result files.")
    var partials: [String]

    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup(title: "Who runs each server") var networkOptions: NetworkOptions

    @Option(help: "Exit 1 when a finding is at or above this severity: none, info, low, medium, high.")
    var failOn: FailOn = .high

    func run() throws {
        var parts: [(path: String, partial: PartialReport)] = []
        for path in partials {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure("cannot read \(path)")
            }
            do { parts.append((path, try PartialReport.decode(data, path: path))) } catch {
                throw CommandFailure("\(error)")
            }
        }
        let merged: (ScanResult, [ReportInput], home: [String], includeFlows: Bool, scope: ScanScope?)
        do { merged = try PartialReport.mergeWithScope(parts) } catch { throw CommandFailure("\(error)") }
        let (result, inputs, home, includeFlows, scope) = merged
        if let total = parts.first?.partial.totalInputs, inputs.count < total {
            printError("borderflow: warning: the partials cover \(inputs.count) of \(total) inputs (a shard missing?)")
        }
        let report = try networkOptions.annotate(ScanReport(result: result, inputs: inputs, home: home, version: BorderflowVersion.string,
                                                            includeFlows: includeFlows, scope: scope))
        let code = try reportOptions.write(report, failOn: failOn)
        for l in result.limitsReached { printError("borderflow: warning: " + l.text) }
        if report.hasInputErrors { throw ExitCode(2) }
        if code != 0 { throw ExitCode(code) }
    }
}
