import WireBytes

/// Classic libpcap files: a 24-byte file header, then 16-byte record headers each
/// followed by its captured bytes. Either byte order; micro- or nanosecond fractions.
enum PcapLayout {
    static let fileHeaderLength = 24
    static let versionMajor = 4, versionMinor = 6, snapLength = 16, linkType = 20
    static let recordHeaderLength = 16
    static let tsSeconds = 0, tsFraction = 4, capturedLength = 8, originalLength = 12
}

/// The pcap file header's values that reading records depends on.
struct PcapFileHeader {
    var nanosecond: Bool
    var bigEndian: Bool
    var version: (major: UInt16, minor: UInt16)
    var snapLength: UInt32
    var linkType: LinkType

    /// Reads and consumes the 24-byte header.
    static func read(from source: ByteSource, nanosecond: Bool, bigEndian: Bool) throws(CaptureOpenError) -> PcapFileHeader {
        let h: UnsafeRawBufferPointer
        do { h = try source.peek(atLeast: PcapLayout.fileHeaderLength) } catch { throw .wire(error) }
        guard h.count >= PcapLayout.fileHeaderLength else {
            throw .wire(.truncated(.pcapHeader, needed: PcapLayout.fileHeaderLength, available: h.count, at: 0))
        }
        let version = (h.u16(PcapLayout.versionMajor, bigEndian: bigEndian), h.u16(PcapLayout.versionMinor, bigEndian: bigEndian))
        if version.0 != 2 {
            throw .wire(.unsupported(.pcapHeader, "pcap major version is not 2", at: PcapLayout.versionMajor))
        }
        // The low 16 bits are the link type; higher bits carry FCS information.
        let header = PcapFileHeader(
            nanosecond: nanosecond, bigEndian: bigEndian, version: version,
            snapLength: h.u32(PcapLayout.snapLength, bigEndian: bigEndian),
            linkType: LinkType(h.u32(PcapLayout.linkType, bigEndian: bigEndian) & 0xFFFF).normalized)
        source.advance(PcapLayout.fileHeaderLength)
        return header
    }
}

extension CaptureReader {
    mutating func adopt(_ header: PcapFileHeader) {
        nanosecond = header.nanosecond
        bigEndian = header.bigEndian
        version = header.version
        pcapLinkType = header.linkType
        if Int(header.snapLength) > CaptureLimits.maxRecordLength {
            pcapRecordLimit = min(Int(header.snapLength), CaptureLimits.maxRecordLengthHard)
        }
        interfaces = [CaptureInterface(linkType: header.linkType, snapLength: header.snapLength,
                                       timestampResolution: header.nanosecond ? .nano : .micro)]
    }

    @usableFromInline
    mutating func nextPcapRecord() -> PacketRecord? {
        if pos >= limitPos { stopAtLimit(); return nil }
        let header = PcapLayout.recordHeaderLength
        if window.count - pos < header, !ensure(header) {
            finish(remaining: window.count - pos, needed: header, layer: .pcapRecord)
            return nil
        }
        let w = window
        let big = bigEndian
        let captured = Int(w.u32(pos + PcapLayout.capturedLength, bigEndian: big))
        // Past the end of a file cut while it is read, the rest of its last page reads
        // as zeros: an empty record with no time is the cue to ask (rare, so cheap).
        if captured == 0, w.u32(pos, bigEndian: big) == 0, source.shrankAt != nil {
            noteShrinking()
            finished = true
            return nil
        }
        if captured > pcapRecordLimit {
            stop(.malformed(.pcapRecord, "captured length larger than any snap length", at: streamOffset))
            return nil
        }
        let total = header + captured
        if w.count - pos < total, !ensure(total) {
            finish(remaining: window.count - pos, needed: total, layer: .pcapRecord)
            return nil
        }
        let b = window
        prefetchAhead()
        let seconds = Int64(b.u32(pos + PcapLayout.tsSeconds, bigEndian: big))
        let fraction = Int64(b.u32(pos + PcapLayout.tsFraction, bigEndian: big))
        let original = Int(b.u32(pos + PcapLayout.originalLength, bigEndian: big))
        let limit: Int64 = nanosecond ? 1_000_000_000 : 1_000_000
        if fraction >= limit {
            report(.warning, .malformed(.pcapRecord, "timestamp fraction out of range", at: streamOffset),
                   note: "packet kept")
        }
        let record = PacketRecord(
            data: b.view(pos + header, captured),
            originalLength: original,
            timestamp: seconds &* 1_000_000_000 &+ (nanosecond ? fraction : fraction &* 1000),
            linkType: pcapLinkType, interface: 0, offset: streamOffset)
        if pos >= releaseAt { releaseBehind(pos) }
        pos += total
        return record
    }
}
