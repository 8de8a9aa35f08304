import CPcap
import CaptureFormats
import Pipeline
import Policy
import WireBytes

/// What `scan` does for a file, done for packets as libpcap hands them over: each one
/// goes through the packet pipeline (zero-copy, straight from the capture ring) and,
/// when asked, into the archive; finished flows are judged as they end.
public final class LiveScan: PacketReceiver {
    let policy: Policy
    let linkType: LinkType
    let nanosecond: Bool
    let archive: CaptureArchive?
    var pipeline = PacketPipeline(input: 0)
    public private(set) var result = ScanResult()
    /// The input object's counters, as `CaptureSummary` keeps them for a file.
    public private(set) var summary: CaptureSummary
    var tally = RecordTally()
    /// Wall-clock time of the current loop turn (rotation looks at it, not per-packet clocks).
    var now: Int64 = 0
    /// The first archive failure: writing stops, capture and judging go on.
    public private(set) var archiveError: String?

    public init(handle: PcapHandle, policy: Policy, archive: CaptureArchive?) {
        self.policy = policy
        linkType = handle.linkType
        nanosecond = handle.nanosecond
        self.archive = archive
        summary = CaptureSummary(path: "live:" + handle.interface)
    }

    public var packets: Int { tally.packets }
    public var bytes: Int { tally.bytes }
    public var liveFlows: Int { pipeline.table.count }

    public func receive(_ header: pcap_pkthdr, _ bytes: UnsafePointer<UInt8>) {
        let captured = Int(header.caplen)
        let original = Int(header.len)
        let time = Int64(header.ts.tv_sec) &* 1_000_000_000 &+ Int64(header.ts.tv_usec) &* (nanosecond ? 1 : 1000)
        let data = UnsafeRawBufferPointer(start: bytes, count: captured)
        let record = PacketRecord(data: data, originalLength: original, timestamp: time, linkType: linkType,
                                  interface: 0, offset: 0)
        tally.add(record)
        if let archive, archiveError == nil {
            do { try archive.write(time: time, data: data, originalLength: original, now: now) } catch {
                archiveError = "\(error)"
            }
        }
        pipeline.process(record) { result.add($0, policy: policy, keepFlows: false) }
    }

    /// The loop's clock moved: idle flows end, and the archive may start a new file.
    public func tick(now: Int64) {
        self.now = now
        pipeline.advance(to: now) { result.add($0, policy: policy, keepFlows: false) }
        if let archive, archiveError == nil {
            do { try archive.tick(now: now) } catch { archiveError = "\(error)" }
        }
    }

    /// Buffered archive bytes go to disk.
    public func flushArchive() {
        guard let archive, archiveError == nil else { return }
        do { try archive.flush() } catch { archiveError = "\(error)" }
    }

    /// End of capture: every flow ends and is judged; the archive's last file is completed.
    /// The result holds one input (the interface), as a scan of one file would.
    public func finish() -> ScanResult {
        pipeline.finish { result.add($0, policy: policy, keepFlows: false) }
        if let archive, archiveError == nil {
            do { try archive.finish() } catch { archiveError = "\(error)" }
        }
        tally.apply(to: &summary)
        summary.packetsPerInterface = [summary.packets]
        result.inputs = [InputScan(summary: summary, stats: pipeline.stats)]
        result.addNames(pipeline.stats)
        result.inputIndexes = [0]
        result.packets = summary.packets
        result.finish()
        return result
    }
}
