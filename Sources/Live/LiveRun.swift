import Pipeline
import Policy
#if canImport(Glibc)
import Glibc
#endif

/// When a live run stops and how often it reports while it runs (nanoseconds).
public struct LiveRunLimits: Sendable {
    public var duration: Int64?
    public var count: Int?
    /// Rolling reports of new and changed findings; nil: none.
    public var reportEvery: Int64?
    public var progressEvery: Int64 = 1_000_000_000
    /// Archive buffers go to disk at least this often.
    public var flushEvery: Int64 = 10_000_000_000

    public init() {}
}

/// Why the capture ended.
public enum StopReason: String, Sendable {
    case signal, duration, count, error
}

/// What the progress line shows.
public struct LiveProgress: Sendable {
    public var elapsed: Int64
    public var packets: Int
    public var bytes: Int
    public var liveFlows: Int
    public var findings: Int
    public var drops: CaptureDrops
}

/// The end of a live run: the scan result (one input: the interface), and what the
/// capture itself met.
public struct LiveOutcome {
    public var result: ScanResult
    public var drops: CaptureDrops
    public var stoppedBy: StopReason
    /// Why capture failed part-way (the interface went away ...), if it did.
    public var captureError: String?
    public var archiveError: String?
    public var archives: [String]
}

/// The capture loop: wait (bounded) for packets, hand them to the scan, then look at
/// the clock: idle flows, rotation, rolling reports, progress, limits and signals.
public enum LiveRun {
    public static func run(handle: PcapHandle, scan: LiveScan, archive: CaptureArchive?, limits: LiveRunLimits,
                           onUpdate: (_ changes: [(change: FindingChanges.Change, finding: Finding)], _ now: Int64) -> Void,
                           onProgress: ((LiveProgress) -> Void)?) -> LiveOutcome {
        let callback = PacketCallback(scan)
        let start = Clock.monotonic()
        var changes = FindingChanges()
        var nextReport = limits.reportEvery.map { start + $0 }
        var nextProgress = start + limits.progressEvery
        var nextFlush = start + limits.flushEvery
        var stop: StopReason?
        var captureError: String?
        scan.tick(now: Clock.realtime())

        while stop == nil {
            if StopSignal.received != nil { stop = .signal; break }
            do {
                _ = try handle.dispatch(limit: limits.count.map { max(1, $0 - scan.packets) }, callback)
            } catch {
                captureError = "\(error)"
                stop = .error
                break
            }
            let mono = Clock.monotonic()
            scan.tick(now: Clock.realtime())
            if let count = limits.count, scan.packets >= count { stop = .count }
            if let duration = limits.duration, mono - start >= duration { stop = .duration }
            if StopSignal.received != nil { stop = .signal }
            if let every = limits.reportEvery, let due = nextReport, mono >= due {
                let changed = changes.take(scan.result.findings)
                if !changed.isEmpty { onUpdate(changed, Clock.realtime()) }
                nextReport = due + every * max(1, (mono - due) / every + 1)
            }
            if mono >= nextFlush {
                scan.flushArchive()
                nextFlush = mono + limits.flushEvery
            }
            if let onProgress, mono >= nextProgress {
                onProgress(LiveProgress(elapsed: mono - start, packets: scan.packets, bytes: scan.bytes, liveFlows: scan.liveFlows,
                                        findings: scan.result.findings.findings.count, drops: handle.drops()))
                nextProgress = mono + limits.progressEvery
            }
        }

        // Packets already in the capture buffer when a signal or the clock said stop
        // still count (bounded: a busy link does not keep the run from ending).
        if stop == .signal || stop == .duration {
            var rounds = 0
            while rounds < 64, let n = try? handle.dispatch(limit: nil, callback), n > 0 { rounds += 1 }
        }
        let drops = handle.drops()
        let result = scan.finish()
        if limits.reportEvery != nil {
            let changed = changes.take(result.findings)
            if !changed.isEmpty { onUpdate(changed, Clock.realtime()) }
        }
        return LiveOutcome(result: result, drops: drops, stoppedBy: stop ?? .signal, captureError: captureError,
                           archiveError: scan.archiveError, archives: archive?.files ?? [])
    }
}

/// The two clocks of a live run, in nanoseconds: the wall clock (what packet
/// timestamps use) and a monotonic one (what durations and intervals use).
public enum Clock {
    public static func realtime() -> Int64 { read(CLOCK_REALTIME) }
    public static func monotonic() -> Int64 { read(CLOCK_MONOTONIC) }

    static func read(_ id: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(id, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
