import CaptureFormats
import Flows
import Policy
import Synchronization
import WireBytes

/// One large uncompressed capture read by several workers at once: segment k (see
/// `CaptureSegments`) is read from a candidate start found without reading what lies
/// before it; segments are then stitched in order, each after the one before, which
/// also checks the guess (the earlier segment's reader says where the next one truly
/// starts, and in which reader state). A wrong guess is read again from the truth, so
/// the outcome is always that of `FlowScan.runOne` reading the file front to back.
final class SplitScan: @unchecked Sendable {
    let input: InputSource
    let path: String
    let index: Int
    let file: MappedFile
    let segmentBytes: Int
    let config: FlowTableConfig
    let policy: Policy
    let keepFlows: Bool
    let progress: ScanProgress?
    /// Reader state at the first record, and that record's time (the active-timeout origin).
    let firstState: CaptureReaderState
    let origin: Int64
    /// Candidate start of segment k (nil: none found; read once the one before is done).
    let candidates: [Int?]
    let segments: Int

    /// Segments read and waiting for their turn to be stitched, in order.
    private let queue: Monitor<StitchQueue>
    // What follows is touched only by the worker holding the stitching turn (see
    // `StitchQueue`), one segment after another.
    private var stitcher: SegmentStitcher
    /// Where the segment just stitched stopped: the next one's true start and state
    /// (nil offset: the input ended there).
    private var trueStart: Int?
    private var trueState: CaptureReaderState
    private var ended = false

    /// Segments' outcomes, merged in segment order as they come in (not all at the end,
    /// where the merge would be work only one worker can do).
    private let assembly: Mutex<Assembly>
    private let done = Atomic<Int>(0)

    /// Final flows of one stitch gathered to be judged outside the stitching turn.
    static let finalFlowsHeld = 1 << 16

    /// Bytes of a segment's pages a reader leaves mapped behind it.
    static let pagesKept = 4 << 20

    /// Tests: every guess is made wrong, so every segment but the first is read again
    /// from the true start (the outcome must not change; only the time does).
    static let misguessForTesting = Atomic<Bool>(false)

    /// The stitching turn: segments are stitched in order, one at a time, by whichever
    /// worker finds the next one read. A worker whose segment is read before the one
    /// in front of it leaves it here and goes on to other work: it used to wait for its
    /// turn, which left one of two workers idle for most of an archive of files a
    /// little over one segment long. A segment left here holds what was read of it
    /// until its turn; stitching is quick next to reading, so few wait at a time.
    ///
    /// Work in flight is bounded by the flows it holds: while the flows carried across
    /// the last cut, waiting here and being stitched are more than `readAheadFlows`,
    /// only the next segment is read. Captures of ordinary traffic never get there; one
    /// of many short flows (hostile, or a scan of the address space) then reads one
    /// segment at a time, so its memory stays that of the stitcher and one table,
    /// instead of growing with every worker holding a table's worth.
    struct StitchQueue: Sendable {
        enum Slot: Sendable { case pending, read(Scanned?), taken }
        var slots: [Slot]
        /// The next segment to stitch.
        var next = 0
        /// A worker holds the turn.
        var stitching = false
        /// Flows held: carried by the stitcher after the last stitch, in the handovers
        /// of segments waiting here, and in the one being stitched.
        var carriedFlows = 0
        var waitingFlows = 0
        var stitchingFlows = 0
        let readAheadFlows: Int

        init(count: Int, readAheadFlows: Int) {
            slots = Array(repeating: .pending, count: count)
            self.readAheadFlows = readAheadFlows
        }

        /// Whether segment `k` may be read now. The next segment always may, so the
        /// queue always drains.
        func admits(_ k: Int) -> Bool { k <= next || carriedFlows + waitingFlows + stitchingFlows <= readAheadFlows }

        mutating func put(_ k: Int, _ scanned: Scanned?) {
            slots[k] = .read(scanned)
            waitingFlows += scanned?.handover.flowCount ?? 0
        }

        /// The next segment and what was read of it, with the turn; nil when it is not
        /// read yet, or another worker holds the turn.
        mutating func claim() -> (Int, Scanned?)? {
            guard !stitching, next < slots.count, case let .read(scanned) = slots[next] else { return nil }
            slots[next] = .taken
            stitching = true
            stitchingFlows = scanned?.handover.flowCount ?? 0
            waitingFlows -= stitchingFlows
            return (next, scanned)
        }

        /// The turn passes on (the next segment may be stitched by any worker);
        /// `carried`: what the stitcher carries now.
        mutating func release(carried: Int) {
            next += 1
            stitching = false
            stitchingFlows = 0
            carriedFlows = carried
        }
    }

    struct SegmentOutcome: Sendable {
        var summary: CaptureSummary
        var stats: PacketStats
        var part: ScanResult
    }

    /// The outcomes merged so far, and those waiting for the segments before them.
    struct Assembly: Sendable {
        enum Slot: Sendable { case waiting, skipped, ready(SegmentOutcome) }
        var slots: [Slot]
        /// The next segment to merge.
        var next = 0
        /// A worker is merging (outside the lock, with `merged` taken out).
        var merging = false
        /// Segments 0 ..< next merged (nil before the first outcome).
        var merged: SegmentOutcome?

        /// Takes the outcomes ready from `next` on, in order, with the merge so far.
        mutating func claim() -> (SegmentOutcome?, [SegmentOutcome])? {
            guard !merging, next < slots.count else { return nil }
            var batch: [SegmentOutcome] = []
            while next < slots.count {
                if case .waiting = slots[next] { break }
                if case let .ready(o) = slots[next] { batch.append(o) }
                slots[next] = .skipped
                next += 1
            }
            if batch.isEmpty { return nil }
            merging = true
            defer { merged = nil }
            return (merged, batch)
        }
    }

    /// Nil when the input is not worth splitting or cannot be split (not an
    /// uncompressed capture file, or unreadable: the whole-input path reports that).
    /// `segments`: as many as the caller made work items for (from the file's size
    /// then; the file may have changed since, so the last one reads to the end).
    init?(_ input: InputSource, index: Int, segments: Int, config: FlowTableConfig, policy: Policy, keepFlows: Bool,
          segmentBytes: Int, progress: ScanProgress?) {
        guard case let .file(path) = input, let file = try? MappedFile(path: path),
              segments > 1 else { return nil }
        guard var reader = try? CaptureReader.open(file: file), reader.compression.isEmpty,
              let first = reader.next() else { return nil }
        self.input = input
        self.path = path
        self.index = index
        self.file = file
        self.segmentBytes = segmentBytes
        self.config = config
        self.policy = policy
        self.keepFlows = keepFlows
        self.progress = progress
        origin = first.timestamp == PacketRecord.noTimestamp ? 0 : first.timestamp
        firstState = reader.state
        let found = SegmentBoundaries.candidates(in: file.bytes, state: reader.state, firstRecord: first.offset,
                                                 segmentBytes: segmentBytes)
        self.segments = segments
        var byIndex = [Int?](repeating: nil, count: segments)
        let misguess = SplitScan.misguessForTesting.load(ordering: .relaxed)
        for var c in found {
            if misguess { c += 4 }
            let k = c / segmentBytes
            if k > 0, k < segments, byIndex[k] == nil { byIndex[k] = c }
        }
        candidates = byIndex
        // Half a table's worth: captures of ordinary traffic carry far fewer.
        queue = Monitor(StitchQueue(count: segments, readAheadFlows: config.maxFlows / 2))
        stitcher = SegmentStitcher(config: config, activeOrigin: origin)
        trueState = firstState
        assembly = Mutex(Assembly(slots: Array(repeating: .waiting, count: segments)))
    }

    /// Reads segment `k` from its guessed start, then stitches every segment that is
    /// next in order and read (its own, and those other workers left), finishing their
    /// flows. Waits for another worker only while the flows in flight are many
    /// (`StitchQueue.admits`). The worker that completes the last segment assembles
    /// the input's result.
    func run(segment k: Int) -> ScanResult? {
        queue.wait { $0.admits(k) }
        let guessed = k == 0 ? read(from: nil, state: firstState, segment: 0)
            : candidates[k].map { read(from: $0, state: firstState, segment: k) }
        queue.withLock { $0.put(k, guessed) }
        var result: ScanResult?
        while let (j, readEarlier) = queue.withLock({ $0.claim() }) {
            if let assembled = stitch(segment: j, consume readEarlier) { result = assembled }
        }
        return result
    }

    /// Stitches segment `j`, read from its guess (`readEarlier`; nil: no guess), or
    /// again from the true start. The caller holds the turn and passes it on here once
    /// the stitcher is done; then the segment's flows are finished and merged.
    private func stitch(segment j: Int, _ readEarlier: consuming Scanned?) -> ScanResult? {
        var scanned = consume readEarlier
        var outcome: SegmentOutcome?
        var finished: [FinishedFlow] = []
        if !ended {
            if j > 0, scanned == nil || scanned!.start != trueStart || scanned!.startState != trueState {
                // The guess was wrong (or there was none): read from where the segment
                // before truly stopped. Nothing later waits on a guess, so this is safe.
                scanned = read(from: trueStart!, state: trueState, segment: j)
            }
            var s = scanned!
            scanned = nil
            // Moved out, so that the stitcher's changes to it copy nothing.
            var handover = SegmentHandover()
            swap(&handover, &s.handover)
            var o = SegmentOutcome(summary: s.summary, stats: s.stats, part: s.part)
            // Final flows are judged after the turn passes on (judging is most of the
            // work here), but a batch too large to hold (a segment at the flow limit
            // evicts a table's worth) is judged as it fills, in the turn.
            let index = self.index, policy = self.policy, keepFlows = self.keepFlows
            let gather: (FinishedFlow) -> Void = { f in
                if finished.count == SplitScan.finalFlowsHeld {
                    for g in finished { o.part.add(g.record(input: index), policy: policy, keepFlows: keepFlows) }
                    finished.removeAll(keepingCapacity: true)
                }
                finished.append(f)
            }
            stitcher.stitch(consume handover, emit: gather)
            // The input ends here: the reader met its end (or an error) before the
            // limit, or stopped at the limit exactly at the end of the file.
            if j == segments - 1 || (s.stoppedAt ?? file.bytes.count) >= file.bytes.count {
                stitcher.finish(emit: gather)
                o.stats.noteStitching(stitcher.counts)
                ended = true
            }
            trueStart = s.stoppedAt
            trueState = s.endState
            outcome = o
        }
        let carried = stitcher.carriedCount
        queue.withLock { $0.release(carried: carried) }
        if var o = outcome {
            for f in finished { o.part.add(f.record(input: index), policy: policy, keepFlows: keepFlows) }
            outcome = o
        }

        assembly.withLock { $0.slots[j] = outcome.map { .ready($0) } ?? .skipped }
        mergeReady()
        if done.add(1, ordering: .acquiringAndReleasing).newValue == segments { return assemble() }
        return nil
    }

    /// Merges the outcomes that are next in order, unless another worker is at it (it
    /// looks again when done, so nothing ready is left behind).
    private func mergeReady() {
        while let (so, batch) = assembly.withLock({ $0.claim() }) {
            var merged = so
            for o in batch {
                guard var m = merged else { merged = o; continue }
                m.summary.append(o.summary)
                m.stats.add(o.stats)
                m.part.merge(o.part)
                merged = m
            }
            assembly.withLock { a in
                a.merged = merged
                a.merging = false
            }
        }
    }

    struct Scanned: Sendable {
        var start: Int?
        var startState: CaptureReaderState
        var summary: CaptureSummary
        var stats: PacketStats
        var part: ScanResult
        var handover: SegmentHandover
        var stoppedAt: Int?
        var endState: CaptureReaderState
    }

    /// Reads one segment: from `start` (nil: the file's beginning) to the first record
    /// at or past the segment's end.
    private func read(from start: Int?, state: CaptureReaderState, segment k: Int) -> Scanned {
        let limit: Int? = k == segments - 1 ? nil : (k + 1) * segmentBytes
        var reader: CaptureReader
        if let start {
            reader = CaptureReader.open(file: file, resumingAt: start, state: state, limit: limit)
        } else {
            // Opening the file again cannot fail where it did not before.
            reader = try! CaptureReader.open(file: file)
            reader.limit = limit
        }
        var pipeline = PacketPipeline(input: index, config: config, segment: k)
        if k > 0 { pipeline.table.setActiveOrigin(origin) }
        var part = ScanResult()
        var summary = CaptureSummary(path: input.displayPath)
        var steps = ProgressSteps(progress, from: start ?? 0)
        let policy = self.policy, keepFlows = self.keepFlows
        var readUpTo = start ?? 0
        summary.count(&reader) { record in
            pipeline.process(record) { part.add($0, policy: policy, keepFlows: keepFlows) }
            steps.packet(at: record.offset)
            // Pages read leave the mapping as the reader goes: at the segment's end,
            // each worker would have held a whole segment of them.
            if record.offset - readUpTo >= SplitScan.pagesKept {
                file.dropPages(readUpTo ..< record.offset)
                readUpTo = record.offset
            }
        }
        steps.finish(at: min(limit ?? file.bytes.count, file.bytes.count))
        let handover = pipeline.endSegment()
        file.dropPages((start ?? 0) ..< (reader.stoppedAtLimit ?? file.bytes.count))
        return Scanned(start: start, startState: state, summary: summary, stats: pipeline.stats, part: part,
                       handover: handover, stoppedAt: reader.stoppedAtLimit, endState: reader.state)
    }

    /// All segments done: the input's result, as one reader would have made it.
    private func assemble() -> ScanResult {
        // Every worker merged what it made ready before counting itself done.
        let merged = assembly.withLock { a in
            precondition(a.next == segments && !a.merging, "a segment's outcome was left unmerged")
            return a.merged
        }
        var summary = merged?.summary ?? CaptureSummary(path: input.displayPath)
        let stats = merged?.stats ?? PacketStats()
        var result = merged?.part ?? ScanResult()
        summary.fileBytes = file.bytes.count
        let scan = InputScan(summary: summary, stats: stats)
        result.inputs = [scan]
        result.addNames(stats)
        result.inputIndexes = [index]
        result.packets = summary.packets
        result.finish()
        return result
    }
}

/// A split input's reader, made when its first segment is taken (so a run over
/// thousands of files maps only those in progress) and let go when its result is made.
final class SplitSlot: Sendable {
    enum State { case waiting, open(SplitScan), unsplittable, done }
    private let state = Mutex<State>(.waiting)
    private let make: @Sendable () -> SplitScan?

    init(_ make: @escaping @Sendable () -> SplitScan?) { self.make = make }

    /// The split scan, or nil when the input cannot be split (read it whole instead).
    func scan() -> SplitScan? {
        state.withLock { s in
            switch s {
            case .waiting:
                if let split = make() { s = .open(split); return split }
                s = .unsplittable
                return nil
            case let .open(split): return split
            case .unsplittable, .done: return nil
            }
        }
    }

    func close() { state.withLock { $0 = .done } }
}
