import CaptureFormats
import FlowLogs
import Flows

/// One input read through the packet pipeline: what it held, and what the path met.
public struct InputScan: Sendable {
    public var summary: CaptureSummary
    public var stats: PacketStats
}

/// Reads inputs one after another through a `PacketPipeline` each, handing every
/// finished flow to `emit` as it ends (streaming: nothing is kept per flow here).
public enum FlowScan {
    public static func run(_ inputs: [InputSource], config: FlowTableConfig = FlowTableConfig(),
                           emit: (FlowRecord) -> Void) -> [InputScan] {
        var scans: [InputScan] = []
        for (index, input) in inputs.enumerated() {
            if case let .file(path) = input {
                var logStats = FlowLogStats()
                if let summary = CaptureSummary.readFlowLogFile(path, input: index, stats: &logStats, emit: emit) {
                    var stats = PacketStats()
                    stats.flowLogs = logStats
                    scans.append(InputScan(summary: summary, stats: stats))
                    continue
                }
            }
            var pipeline = PacketPipeline(input: index, config: config)
            let summary = CaptureSummary.read(input) { record in
                pipeline.process(record, emit: emit)
            }
            pipeline.finish(emit: emit)
            scans.append(InputScan(summary: summary, stats: pipeline.stats))
        }
        return scans
    }
}
