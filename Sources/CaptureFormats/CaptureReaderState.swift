import WireBytes

/// What a reader knows at a record (pcap) or block (pcapng) boundary, which is all it
/// needs to read on from there: a reader resumed with it at that offset reads the same
/// records as the reader it was taken from.
public struct CaptureReaderState: Sendable, Equatable {
    public var format: ContainerFormat
    /// pcap: the file's byte order; pcapng: the current section's.
    public var bigEndian: Bool
    /// pcap only: nanosecond timestamps.
    public var nanosecond: Bool
    public var versionMajor: UInt16
    public var versionMinor: UInt16
    /// pcap only: the link type of every record, and the largest captured length accepted.
    public var pcapLinkType: LinkType
    public var pcapRecordLimit: Int
    /// pcapng: sections met so far, and the index in `interfaces` of the current
    /// section's first interface (its packets number their interfaces from there).
    public var sections: Int
    public var sectionInterfaceBase: Int
    public var interfaces: [CaptureInterface]

    public var version: (major: UInt16, minor: UInt16) { (versionMajor, versionMinor) }

    public init(format: ContainerFormat, bigEndian: Bool, nanosecond: Bool, versionMajor: UInt16, versionMinor: UInt16,
                pcapLinkType: LinkType, pcapRecordLimit: Int, sections: Int, sectionInterfaceBase: Int,
                interfaces: [CaptureInterface]) {
        self.format = format
        self.bigEndian = bigEndian
        self.nanosecond = nanosecond
        self.versionMajor = versionMajor
        self.versionMinor = versionMinor
        self.pcapLinkType = pcapLinkType
        self.pcapRecordLimit = pcapRecordLimit
        self.sections = sections
        self.sectionInterfaceBase = sectionInterfaceBase
        self.interfaces = interfaces
    }
}

extension CaptureReader {
    /// The state at the current position (after the last record returned).
    public var state: CaptureReaderState {
        CaptureReaderState(format: format, bigEndian: bigEndian, nanosecond: nanosecond,
                           versionMajor: version.major, versionMinor: version.minor,
                           pcapLinkType: pcapLinkType, pcapRecordLimit: pcapRecordLimit,
                           sections: sections, sectionInterfaceBase: sectionInterfaceBase, interfaces: interfaces)
    }

    /// A reader over `file` that starts at `offset`, a record or block start of the
    /// (uncompressed) capture, with the state a reader had there; no file header is
    /// read. Offsets of records and problems stay offsets in the whole file. With a
    /// `limit`, it stops cleanly at the first record or block at or past it.
    ///
    /// Nothing checks that `offset` is a true boundary: a wrong one reads as damage
    /// (reported, never a trap), and a resumed reader does not report problems that
    /// earlier readers of the file met.
    public static func open(file: MappedFile, resumingAt offset: Int, state: CaptureReaderState,
                            limit: Int?) -> CaptureReader {
        var reader = CaptureReader(resuming: BufferSource(file: file, startingAt: offset), format: state.format)
        reader.adopt(state)
        reader.limit = limit
        return reader
    }

    private init(resuming source: BufferSource, format: ContainerFormat) {
        self.source = source
        self.format = format
        compression = []
        window = UnsafeRawBufferPointer(start: nil, count: 0)
        windowBase = source.position
    }

    private mutating func adopt(_ s: CaptureReaderState) {
        bigEndian = s.bigEndian
        nanosecond = s.nanosecond
        version = s.version
        pcapLinkType = s.pcapLinkType
        // Bounded like a header's snap length, whatever the caller passes.
        pcapRecordLimit = min(max(s.pcapRecordLimit, 0), CaptureLimits.maxRecordLengthHard)
        sections = s.sections
        sectionInterfaceBase = min(max(s.sectionInterfaceBase, 0), s.interfaces.count)
        interfaces = s.interfaces
    }
}
