import CaptureFormats
import FlowLogs
import Flows
import WireBytes

/// One input read through the packet pipeline: what it held, and what the path met.
public struct InputScan: Sendable {
    public var summary: CaptureSummary
    public var stats: PacketStats

    public init(summary: CaptureSummary, stats: PacketStats) {
        self.summary = summary
        self.stats = stats
    }
}

/// Reads inputs one after another through a `PacketPipeline` each, handing every
/// finished flow to `emit` as it ends (streaming: nothing is kept per flow here).
public enum FlowScan {
    public static func run(_ inputs: [InputSource], config: FlowTableConfig = FlowTableConfig(),
                           emit: (consuming FlowRecord) -> Void) -> [InputScan] {
        inputs.enumerated().map { index, input in runOne(input, index: index, config: config, emit: emit) }
    }

    /// Reads one input; `index` is its position in the report's inputs (flows name it).
    public static func runOne(_ input: InputSource, index: Int, config: FlowTableConfig = FlowTableConfig(),
                              segmentBytes: Int = CaptureSegments.segmentBytes,
                              progress: ScanProgress? = nil, emit: (consuming FlowRecord) -> Void) -> InputScan {
        if case let .file(path) = input {
            var logStats = FlowLogStats()
            if let summary = CaptureSummary.readFlowLogFile(path, input: index, stats: &logStats, emit: emit) {
                var stats = PacketStats()
                stats.flowLogs = logStats
                progress?.bytesRead.add(summary.fileBytes ?? 0, ordering: .relaxed)
                return InputScan(summary: summary, stats: stats)
            }
        }
        var pipeline = PacketPipeline(input: index, config: config)
        // Read in segments (see `CaptureSegments`): each with a fresh pipeline, joined
        // by the stitcher, exactly as workers reading the segments in parallel do.
        var stitcher: SegmentStitcher?
        var stats = PacketStats()
        var origin: Int64?
        var segmentEnd = segmentBytes
        var steps = ProgressSteps(progress)
        let summary = CaptureSummary.read(input) { record in
            if origin == nil { origin = record.timestamp == PacketRecord.noTimestamp ? 0 : record.timestamp }
            if record.offset >= segmentEnd {
                let handover = pipeline.endSegment()
                stats.add(pipeline.stats)
                // The next pipeline first: the last one's table is let go before stitching.
                pipeline = PacketPipeline(input: index, config: config, segment: record.offset / segmentBytes)
                pipeline.table.setActiveOrigin(origin!)
                segmentEnd = (record.offset / segmentBytes + 1) * segmentBytes
                if stitcher == nil { stitcher = SegmentStitcher(config: config, activeOrigin: origin!) }
                stitcher!.stitch(consume handover) { emit($0.record(input: index)) }
            }
            pipeline.process(record, emit: emit)
            steps.packet(at: record.offset)
        }
        if stitcher != nil {
            let handover = pipeline.endSegment()
            stats.add(pipeline.stats)
            stitcher!.stitch(consume handover) { emit($0.record(input: index)) }
            stitcher!.finish { emit($0.record(input: index)) }
            stats.noteStitching(stitcher!.counts)
        } else {
            pipeline.finish(emit: emit)
            stats = pipeline.stats
        }
        steps.finish(at: summary.fileBytes ?? steps.reported)
        return InputScan(summary: summary, stats: stats)
    }
}
