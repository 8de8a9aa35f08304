import WireBytes

/// One flow as an exporter reported it (NetFlow v5/v9 or IPFIX data record).
public struct FlowLogRecord: Sendable, Equatable {
    public var version: UInt16 = 0
    public var exporter = IPAddress.zero
    public var observationDomain: UInt32 = 0
    public var source = IPAddress.zero
    public var destination = IPAddress.zero
    public var sourcePort: UInt16 = 0
    public var destinationPort: UInt16 = 0
    public var ipProtocol: UInt8 = 0
    public var tcpFlags: UInt8 = 0
    public var packets: UInt64 = 0
    public var octets: UInt64 = 0
    public var inputInterface: UInt32 = 0
    public var outputInterface: UInt32 = 0
    /// Nanoseconds since the epoch; from the record's own times, else the export time.
    public var first: Int64 = 0
    public var last: Int64 = 0
    /// Which fields the record carried (addresses may be absent in odd templates).
    public var hasAddresses = false

    public init() {}
}

/// Counters of a flow-log input: reported, never dropped silently.
public struct FlowLogStats: Sendable, Equatable {
    public var messages = 0
    public var dataRecords = 0
    public var optionRecords = 0
    public var templates = 0
    /// Data records (or whole sets) that arrived before or without their template.
    public var recordsWithoutTemplate = 0
    public var setsWithoutTemplate = 0
    /// Messages or sets whose lengths did not hold up.
    public var malformed = 0
    /// Templates refused for a bound (too many, too many fields, zero-length records).
    public var templatesRefused = 0
    public init() {}

    public mutating func add(_ o: FlowLogStats) {
        messages += o.messages
        dataRecords += o.dataRecords
        optionRecords += o.optionRecords
        templates += o.templates
        recordsWithoutTemplate += o.recordsWithoutTemplate
        setsWithoutTemplate += o.setsWithoutTemplate
        malformed += o.malformed
        templatesRefused += o.templatesRefused
    }
}

/// Bounds on flow-log decoding: named, in one place, counted when reached.
public enum FlowLogLimits {
    public static let maxTemplates = 4096
    public static let maxFieldsPerTemplate = 512
    public static let maxRecordsPerSet = 65_535
    public static let v5MaxCount = 30
}
