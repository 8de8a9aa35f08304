import CaptureFormats
import WireBytes
#if canImport(Glibc)
import Glibc
#endif

/// What one input holds, as `borderflow info` reports it (like capinfos).
public struct CaptureSummary: Sendable {
    public var path: String
    public var format: ContainerFormat?
    public var compression: [Compression] = []
    public var bigEndian = false
    public var nanosecond = false
    public var version: (major: UInt16, minor: UInt16) = (0, 0)
    public var sections = 0
    public var interfaces: [CaptureInterface] = []
    public var packetsPerInterface: [Int] = []
    public var packets = 0
    /// Captured bytes (what the file holds of the packets).
    public var bytes = 0
    /// Bytes on the wire (original lengths).
    public var wireBytes = 0
    public var fileBytes: Int?
    /// Packets cut by the snap length (captured < original).
    public var snapTruncatedPackets = 0
    public var first: Int64?
    public var last: Int64?
    public var problems: [CaptureProblem] = []
    /// Why the input could not be opened at all.
    public var openError: String?
    /// Set when the input is a raw flow-log file (5, 9 or 10 for IPFIX), not a capture.
    public var flowLogVersion: UInt16?

    public init(path: String) { self.path = path }

    public var hasErrors: Bool { openError != nil || problems.contains { $0.severity == .error } }
    public var linkTypes: [LinkType] {
        var seen: [LinkType] = []
        for i in interfaces where !seen.contains(i.linkType) { seen.append(i.linkType) }
        return seen
    }

    /// Opens and reads one input to the end, counting; nothing per packet is kept.
    public static func read(_ input: InputSource) -> CaptureSummary {
        read(input) { _ in }
    }

    /// Opens and reads one input to the end, counting, and hands every packet to `visit`.
    /// Inlined with `count`, so the caller's per-packet closure is inlined into the
    /// record loop instead of called through a context per packet.
    @inline(__always)
    public static func read(_ input: InputSource, visit: (borrowing PacketRecord) -> Void) -> CaptureSummary {
        var summary = CaptureSummary(path: input.displayPath)
        var reader: CaptureReader
        do {
            switch input {
            case let .file(path):
                reader = try CaptureReader.open(path: path)
                var st = stat()
                if stat(path, &st) == 0 { summary.fileBytes = Int(st.st_size) }
            case .standardInput:
                reader = try CaptureReader.open(descriptor: 0)
            case let .unreadable(_, message):
                summary.openError = message
                return summary
            }
        } catch {
            summary.openError = error.description
            return summary
        }
        summary.count(&reader, visit: visit)
        return summary
    }

    @inline(__always)
    mutating func count(_ reader: inout CaptureReader, visit: (borrowing PacketRecord) -> Void) {
        format = reader.format
        compression = reader.compression
        bigEndian = reader.bigEndian
        nanosecond = reader.nanosecond
        var tally = RecordTally()
        // Interface 0 (every pcap packet) is counted in a local: the array's checks
        // and uniqueness test per packet showed in profiles.
        var onFirstInterface = 0
        var perInterface: [Int] = []
        while let record = reader.next() {
            tally.add(record)
            if record.interface == 0 {
                onFirstInterface &+= 1
            } else {
                if record.interface >= perInterface.count {
                    perInterface.append(contentsOf: repeatElement(0, count: record.interface + 1 - perInterface.count))
                }
                perInterface[record.interface] += 1
            }
            visit(record)
        }
        if onFirstInterface > 0 {
            if perInterface.isEmpty { perInterface.append(0) }
            perInterface[0] = onFirstInterface
        }
        reader.noteShrinking()
        tally.apply(to: &self)
        version = reader.version
        sections = reader.sections
        interfaces = reader.interfaces
        if perInterface.count < interfaces.count {
            perInterface.append(contentsOf: repeatElement(0, count: interfaces.count - perInterface.count))
        }
        packetsPerInterface = perInterface
        problems = reader.problems
        // pcapng keeps the byte order of its last section; report the first one's.
    }
}

/// What an input's summary counts of its packet records: packets, captured and wire
/// bytes, records cut by the snap length, first and last time. Kept as a local while
/// a file is read (the counters stay in registers), and by live capture per packet.
public struct RecordTally: Sendable {
    public var packets = 0, bytes = 0, wireBytes = 0, snapTruncated = 0
    public var first = Int64.max, last = Int64.min

    public init() {}

    @inline(__always)
    public mutating func add(_ record: borrowing PacketRecord) {
        packets += 1
        bytes += record.data.count
        wireBytes += record.originalLength
        if record.data.count < record.originalLength { snapTruncated += 1 }
        let t = record.timestamp
        if t != PacketRecord.noTimestamp {
            if t < first { first = t }
            if t > last { last = t }
        }
    }

    public func apply(to summary: inout CaptureSummary) {
        summary.packets = packets
        summary.bytes = bytes
        summary.wireBytes = wireBytes
        summary.snapTruncatedPackets = snapTruncated
        if first <= last { summary.first = first; summary.last = last }
    }
}

extension CaptureSummary {
    /// Adds what the reader of the next segment of the same file counted: the summary
    /// one reader over both would have made.
    mutating func append(_ o: CaptureSummary) {
        packets += o.packets
        bytes += o.bytes
        wireBytes += o.wireBytes
        snapTruncatedPackets += o.snapTruncatedPackets
        if let f = o.first { first = min(first ?? f, f) }
        if let l = o.last { last = max(last ?? l, l) }
        for p in o.problems { CaptureProblem.note(p, in: &problems) }
        interfaces = o.interfaces
        sections = o.sections
        if packetsPerInterface.count < o.packetsPerInterface.count {
            packetsPerInterface.append(contentsOf: repeatElement(0, count: o.packetsPerInterface.count - packetsPerInterface.count))
        }
        for (i, n) in o.packetsPerInterface.enumerated() { packetsPerInterface[i] += n }
    }
}
