import CaptureFormats
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
