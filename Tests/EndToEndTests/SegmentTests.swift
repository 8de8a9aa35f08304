import Flows
import Foundation
@testable import Pipeline
import PlantSynth
import Reporting
import Testing
import TestSupport

/// Large captures are read in segments (in parallel when there are workers): the
/// report must not depend on the worker count, and must be what one reader makes.
@Suite struct SegmentTests {
    static let capture: String = {
        let path = NSTemporaryDirectory() + "borderflow-segments-\(getpid()).pcap"
        _ = try? synthesize(to: path, seed: 7, bytes: 12 << 20)
        return path
    }()

    /// Flow records of one input read with `segmentBytes`, sorted, as comparable lines.
    static func records(_ path: String, segmentBytes: Int) -> (lines: [String], stats: PacketStats) {
        var lines: [String] = []
        let scan = FlowScan.runOne(.file(path), index: 0, segmentBytes: segmentBytes) { r in
            lines.append("\(r.flow) \(r.app) \(r.category) \(r.hostname ?? "-")")
        }
        return (lines.sorted(), scan.stats)
    }

    @Test(arguments: [64 << 10, 1 << 20])
    func segmentsGiveTheFlowsOfOneReader(segmentBytes: Int) throws {
        let whole = Self.records(Self.capture, segmentBytes: 1 << 40)
        let split = Self.records(Self.capture, segmentBytes: segmentBytes)
        let onlyWhole = Set(whole.lines).subtracting(split.lines)
        let onlySplit = Set(split.lines).subtracting(whole.lines)
        #expect(whole.lines.count > 1000)
        #expect(onlyWhole.isEmpty && onlySplit.isEmpty)
        #expect(whole.stats.flows.flowsCreated == split.stats.flows.flowsCreated)
    }
}

extension SegmentTests {
    /// nDPI's captures read in 4 KiB segments (hundreds of boundaries, some inside
    /// handshakes): every flow as one reader gives it, but for the two limits the
    /// README names, each met once here.
    @Test(.enabled(if: Fixtures.available, Fixtures.skipMessage))
    func realCapturesReadInTinySegments() throws {
        let dir = Fixtures.root + "/ndpi/pcap/"
        var total = 0
        var differing: [String] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() {
            let whole = Self.records(dir + name, segmentBytes: 1 << 40)
            let split = Self.records(dir + name, segmentBytes: 4096)
            total += whole.lines.count
            #expect(whole.lines.count == split.lines.count, "\(name)")
            if whole.lines != split.lines { differing.append(name) }
        }
        #expect(total > 200)
        // dns_fragmented: a DNS response fragmented across a boundary is not reassembled
        // (its fragments are counted incomplete). tls_with_huge_ch: a ClientHello of many
        // TCP segments cut by a boundary: the later segment sees only the middle of the
        // handshake, so the flow is reported unknown instead of tls.
        #expect(differing == ["dns_fragmented.pcap", "tls_with_huge_ch.pcapng"])
    }
}

extension SegmentTests {
    /// Workers reading segments in parallel give the report one worker gives (which
    /// reads the same segments front to back), for pcap and pcapng.
    @Test(arguments: [CaptureFileFormat.pcap, .pcapngBig])
    func parallelSegmentsGiveTheSameReport(format: CaptureFileFormat) throws {
        let path = NSTemporaryDirectory() + "borderflow-segments-\(getpid())-\(format).cap"
        try synthesize(to: path, seed: 11, bytes: 6 << 20, format: format)
        defer { unlink(path) }
        let policy = try BatchTests.policy()
        let inputs: [InputSource] = [.file(path), .file(Self.capture)]
        let one = BatchTests.render(Scan.run(inputs, policy: policy, keepFlows: true, jobs: 1, segmentBytes: 256 << 10))
        let two = BatchTests.render(Scan.run(inputs, policy: policy, keepFlows: true, jobs: 2, segmentBytes: 256 << 10))
        let three = BatchTests.render(Scan.run(inputs, policy: policy, keepFlows: true, jobs: 3, segmentBytes: 256 << 10))
        #expect(one == two)
        #expect(one == three)
        #expect(one.contains("unregistered-overseas-server"))
    }
}

extension SegmentTests {
    /// A wrong guess of where a segment starts is caught when it is joined, and the
    /// segment is read again from the true start: the report does not change.
    @Test func wrongGuessesAreReadAgain() throws {
        let policy = try BatchTests.policy()
        let inputs: [InputSource] = [.file(Self.capture)]
        let one = BatchTests.render(Scan.run(inputs, policy: policy, keepFlows: true, jobs: 1, segmentBytes: 512 << 10))
        SplitScan.misguessForTesting.store(true, ordering: .relaxed)
        defer { SplitScan.misguessForTesting.store(false, ordering: .relaxed) }
        let two = BatchTests.render(Scan.run(inputs, policy: policy, keepFlows: true, jobs: 2, segmentBytes: 512 << 10))
        #expect(one == two)
    }
}

extension SegmentTests {
    /// A file whose size is a whole number of segments: the last segment's reader stops
    /// at its limit exactly at the end of the file, and the input still ends there.
    @Test func fileOfWholeSegments() throws {
        let path = NSTemporaryDirectory() + "borderflow-segments-\(getpid())-whole.pcap"
        defer { unlink(path) }
        // A seed whose capture has an even size, so that two segments cover it exactly.
        var size = 1
        for seed in UInt64(5) ..< 50 where size % 2 != 0 {
            try synthesize(to: path, seed: seed, bytes: 1 << 20)
            size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        }
        try #require(size % 2 == 0)
        let policy = try BatchTests.policy()
        let one = BatchTests.render(Scan.run([.file(path)], policy: policy, keepFlows: true, jobs: 1, segmentBytes: size / 2))
        let two = BatchTests.render(Scan.run([.file(path)], policy: policy, keepFlows: true, jobs: 2, segmentBytes: size / 2))
        #expect(one == two)
        // And what one pass gives (the cut joins exactly here).
        let whole = BatchTests.render(Scan.run([.file(path)], policy: policy, keepFlows: true, jobs: 1))
        #expect(one == whole)
    }
}

extension SegmentTests {
    /// The work is planned from the file's size before it is mapped; a file that grew
    /// or shrank in between is still read whole, once (fewer or more segments planned).
    @Test(arguments: [3, 20])
    func plannedSegmentsDifferFromTheFile(planned: Int) throws {
        let policy = try BatchTests.policy()
        let reference = Scan.run([.file(Self.capture)], policy: policy, jobs: 1, segmentBytes: 1 << 20)
        let split = try #require(SplitScan(.file(Self.capture), index: 0, segments: planned, config: FlowTableConfig(),
                                           policy: policy, keepFlows: false, segmentBytes: 1 << 20, progress: nil))
        let parts = Parallel.map(count: planned, workers: 2) { split.run(segment: $0) }
        let result = try #require(parts.compactMap { $0 }.first)
        #expect(result.packets == reference.packets)
        #expect(result.flowCount == reference.flowCount)
        #expect(result.inputs.first?.summary.problems.isEmpty == true)
    }
}

extension SegmentTests {
    /// A segment read before the one in front of it is left for whoever stitches next,
    /// and its worker goes on: on one thread, segments read last to first each return
    /// at once, and the first one then stitches them all (a worker used to wait for
    /// its turn, which here would never come).
    @Test func segmentsReadOutOfOrderDoNotWait() throws {
        let policy = try BatchTests.policy()
        let segmentBytes = 1 << 20
        let whole = Scan.run([.file(Self.capture)], policy: policy, keepFlows: true, jobs: 1, segmentBytes: segmentBytes)
        let size = try #require(try FileManager.default.attributesOfItem(atPath: Self.capture)[.size] as? Int)
        let segments = (size + segmentBytes - 1) / segmentBytes
        try #require(segments >= 3)
        let split = try #require(SplitScan(.file(Self.capture), index: 0, segments: segments, config: FlowTableConfig(),
                                           policy: policy, keepFlows: true, segmentBytes: segmentBytes, progress: nil))
        var results: [ScanResult] = []
        for k in (0 ..< segments).reversed() {
            if let r = split.run(segment: k) { results.append(r) }
            #expect(results.isEmpty || k == 0)
        }
        try #require(results.count == 1)
        var assembled = ScanResult()
        assembled.merge(results[0])
        assembled.finish()
        #expect(BatchTests.render(assembled) == BatchTests.render(whole))
    }
}
