import WireBytes

/// Where the segments of one large uncompressed capture start, so that several readers
/// can read it in parallel without one reading the file up to another's start.
///
/// Segment k (k >= 1) starts at the first record (pcap) or block (pcapng) at or after
/// k * segmentBytes. That offset is guessed here, from the bytes around it only: the
/// first offset from which a chain of plausible records or blocks runs on for
/// `chainSpan` bytes (or exactly to the end of the file). A guess can be wrong (a
/// capture of a capture file); the caller checks each one against the `stoppedAtLimit`
/// of the reader before it, so the scan favours speed and simplicity. It reads only
/// inside `bytes` and never traps, whatever they hold.
public enum SegmentBoundaries {
    /// How far a chain of records must run from a guess before it is believed.
    public static let defaultChainSpan = 256 * 1024
    /// How far past k * segmentBytes a start is looked for before segment k is given up
    /// (it then merges with the segment before it).
    public static let defaultSearchSpan = 4 * 1024 * 1024

    /// The guessed start of each segment k >= 1 (k * segmentBytes < bytes.count), in
    /// increasing order; k with none found, or with the same start as k - 1, are left
    /// out. The segment before a candidate may be read with any limit from its
    /// k * segmentBytes up to the candidate itself: the reader should stop at it.
    ///
    /// `state` is a reader's state at the first record (after the pcapng section's
    /// interface blocks, so packets can be checked against them); `firstRecord` is the
    /// offset of the first record (pcap) or of the section header (pcapng, whose blocks
    /// are 4-byte aligned from there).
    public static func candidates(in bytes: UnsafeRawBufferPointer, state: CaptureReaderState, firstRecord: Int,
                                  segmentBytes: Int, chainSpan: Int = defaultChainSpan,
                                  searchSpan: Int = defaultSearchSpan) -> [Int] {
        guard segmentBytes > 0 else { return [] }
        var found: [Int] = []
        var nominal = segmentBytes
        while nominal < bytes.count {
            if let p = firstStart(in: bytes, state: state, firstRecord: firstRecord, from: nominal,
                                  chainSpan: chainSpan, searchSpan: searchSpan),
               p > found.last ?? -1 {
                found.append(p)
            }
            let (next, overflow) = nominal.addingReportingOverflow(segmentBytes)
            if overflow { break }
            nominal = next
        }
        return found
    }

    /// The first offset in `from ..< from + searchSpan` (and at or after `firstRecord`)
    /// that starts a chain of plausible records or blocks; nil when there is none.
    public static func firstStart(in bytes: UnsafeRawBufferPointer, state: CaptureReaderState, firstRecord: Int,
                                  from: Int, chainSpan: Int = defaultChainSpan,
                                  searchSpan: Int = defaultSearchSpan) -> Int? {
        let first = max(firstRecord, 0)
        var p = max(from, first)
        guard p < bytes.count, searchSpan > 0 else { return nil }
        let end = p + min(searchSpan, bytes.count - p)
        let chain = Chain(bytes: bytes, state: state, span: chainSpan)
        // Records checked in all, whatever the bytes: crafted data where every offset
        // starts a long chain that fails late must not make the search quadratic. Out of
        // budget means no guess; that segment is then read after the one before.
        var budget = 1 << 22
        switch state.format {
        case .pcap:
            while p < end, budget > 0 {
                if chain.pcapHolds(from: p, budget: &budget) { return p }
                p += 1
            }
        case .pcapng:
            let misaligned = (p - first) % 4
            if misaligned != 0 { p += 4 - misaligned }
            while p < end, budget > 0 {
                if chain.pcapngHolds(from: p, budget: &budget) { return p }
                p += 4
            }
        }
        return nil
    }

    /// Checks that records or blocks follow one another from an offset.
    struct Chain {
        let bytes: UnsafeRawBufferPointer
        let span: Int
        let bigEndian: Bool
        let recordLimit: Int
        let fractionLimit: UInt32
        /// Interfaces the current pcapng section has declared (packets name one of them).
        let interfaces: Int

        init(bytes: UnsafeRawBufferPointer, state: CaptureReaderState, span: Int) {
            self.bytes = bytes
            self.span = max(span, 0)
            bigEndian = state.bigEndian
            recordLimit = min(max(state.pcapRecordLimit, 0), CaptureLimits.maxRecordLengthHard)
            fractionLimit = state.nanosecond ? 1_000_000_000 : 1_000_000
            interfaces = max(state.interfaces.count - max(state.sectionInterfaceBase, 0), 0)
        }

        /// Where the chain from `p` must reach: `span` on, or the end of the file.
        func target(_ p: Int) -> Int { span >= bytes.count - p ? bytes.count : p + span }

        func pcapHolds(from p: Int, budget: inout Int) -> Bool {
            let target = target(p)
            let big = bigEndian
            let header = PcapLayout.recordHeaderLength
            var q = p
            var previous: Int64?
            repeat {
                budget -= 1
                guard budget > 0, bytes.count - q >= header else { return false }
                let captured = bytes.u32(q + PcapLayout.capturedLength, bigEndian: big)
                let original = bytes.u32(q + PcapLayout.originalLength, bigEndian: big)
                // No real packet is empty: this also keeps runs of zeros from passing.
                guard captured <= original, original >= 1, original <= 16 * 1024 * 1024,
                      Int(captured) <= recordLimit,
                      bytes.u32(q + PcapLayout.tsFraction, bigEndian: big) < fractionLimit
                else { return false }
                let seconds = Int64(bytes.u32(q + PcapLayout.tsSeconds, bigEndian: big))
                if let previous, abs(seconds - previous) > 86_400 { return false }
                previous = seconds
                let total = header + Int(captured)
                guard bytes.count - q >= total else { return false }
                q += total
            } while q < target
            return true
        }

        func pcapngHolds(from p: Int, budget: inout Int) -> Bool {
            let target = target(p)
            var big = bigEndian
            var declared = interfaces
            var q = p
            repeat {
                budget -= 1
                guard budget > 0, bytes.count - q >= BlockLayout.minimumLength else { return false }
                let raw = bytes.u32le(q + BlockLayout.type)
                if raw == BlockType.sectionHeader {
                    // A new section may follow, never lead: a segment cannot start one.
                    guard q != p, bytes.count - q >= SectionHeaderBlock.minimumLength,
                          let order = SectionHeaderBlock.bigEndian(bytes.view(q, SectionHeaderBlock.minimumLength))
                    else { return false }
                    big = order
                    declared = 0
                }
                let length = Int(bytes.u32(q + BlockLayout.totalLength, bigEndian: big))
                guard length >= BlockLayout.minimumLength, length % 4 == 0, length <= CaptureLimits.maxBlockLength,
                      bytes.count - q >= length,
                      bytes.u32(q + length - BlockLayout.trailerLength, bigEndian: big) == UInt32(length)
                else { return false }
                let type = big ? raw.byteSwapped : raw
                switch type {
                case BlockType.sectionHeader:
                    guard length >= SectionHeaderBlock.minimumLength,
                          bytes.u16(q + SectionHeaderBlock.versionMajor, bigEndian: big) == 1 else { return false }
                case BlockType.enhancedPacket:
                    typealias L = EnhancedPacketBlock
                    guard length >= L.minimumLength,
                          bytes.u32(q + L.interfaceID, bigEndian: big) < UInt32(clamping: declared),
                          Int(bytes.u32(q + L.capturedLength, bigEndian: big)) <= length - L.minimumLength
                    else { return false }
                case BlockType.obsoletePacket:
                    typealias L = ObsoletePacketBlock
                    guard length >= L.minimumLength,
                          Int(bytes.u16(q + L.interfaceID, bigEndian: big)) < declared,
                          Int(bytes.u32(q + L.capturedLength, bigEndian: big)) <= length - L.minimumLength
                    else { return false }
                case BlockType.simplePacket:
                    guard length >= SimplePacketBlock.minimumLength, declared > 0 else { return false }
                case BlockType.interfaceDescription:
                    guard length >= InterfaceDescriptionBlock.minimumLength else { return false }
                    declared += 1
                case BlockType.interfaceStatistics:
                    guard length >= BlockLayout.minimumLength + 12,
                          bytes.u32(q + BlockLayout.body, bigEndian: big) < UInt32(clamping: declared) else { return false }
                case BlockType.nameResolution:
                    break
                case BlockType.decryptionSecrets:
                    guard length >= BlockLayout.minimumLength + 8 else { return false }
                case BlockType.custom, BlockType.customNoCopy:
                    // The private enterprise number.
                    guard length >= BlockLayout.minimumLength + 4 else { return false }
                default:
                    return false
                }
                q += length
            } while q < target
            return true
        }
    }
}
