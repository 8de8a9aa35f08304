import WireBytes

/// One packet as a capture file holds it. `data` points into the mapped file or the
/// reader's reused buffer: it is valid until the reader's next call, never copied.
public struct PacketRecord {
    public var data: UnsafeRawBufferPointer
    /// Length on the wire; more than `data.count` when the capture cut the packet (snap length).
    public var originalLength: Int
    /// Nanoseconds since the Unix epoch (UTC); `noTimestamp` for pcapng simple packet
    /// blocks, which carry none.
    public var timestamp: Int64
    public static let noTimestamp = Int64.min
    public var linkType: LinkType
    /// Interface index across the whole file (pcapng sections numbered one after another).
    public var interface: Int
    /// Offset of the record in the file (or in the decompressed stream).
    public var offset: Int

    @inlinable
    public init(data: UnsafeRawBufferPointer, originalLength: Int, timestamp: Int64,
                linkType: LinkType, interface: Int, offset: Int) {
        self.data = data
        self.originalLength = originalLength
        self.timestamp = timestamp
        self.linkType = linkType
        self.interface = interface
        self.offset = offset
    }
}

/// An interface that packets were captured on (one per pcap file; one per IDB in pcapng).
public struct CaptureInterface: Sendable, Equatable {
    public var linkType: LinkType
    public var snapLength: UInt32
    /// Timestamp units per second, as `if_tsresol` gives them (1e6 by default).
    public var timestampResolution: TimestampResolution
    /// Seconds added to every timestamp (`if_tsoffset`).
    public var timestampOffset: Int64
    public var name: String?
    public var section: Int

    public init(linkType: LinkType, snapLength: UInt32, timestampResolution: TimestampResolution = .micro,
                timestampOffset: Int64 = 0, name: String? = nil, section: Int = 0) {
        self.linkType = linkType
        self.snapLength = snapLength
        self.timestampResolution = timestampResolution
        self.timestampOffset = timestampOffset
        self.name = name
        self.section = section
    }
}

/// A timestamp unit: 10^-n or 2^-n seconds (pcapng `if_tsresol`).
public struct TimestampResolution: Sendable, Equatable, CustomStringConvertible {
    public var exponent: UInt8
    public var binary: Bool

    public static let micro = TimestampResolution(exponent: 6, binary: false)
    public static let nano = TimestampResolution(exponent: 9, binary: false)

    public init(exponent: UInt8, binary: Bool) {
        self.exponent = exponent
        self.binary = binary
    }

    /// From the `if_tsresol` option byte: high bit set means a power of two.
    public init(optionByte b: UInt8) {
        binary = b & 0x80 != 0
        exponent = b & 0x7F
    }

    /// Converts a count of these units to nanoseconds, without overflow for any
    /// count a 64-bit pcapng timestamp can hold (saturating at the extremes).
    @inlinable
    public func nanoseconds(_ units: UInt64) -> Int64 {
        if !binary {
            if exponent == 9 { return Int64(truncatingIfNeeded: min(units, UInt64(Int64.max))) }
            if exponent < 9 {
                let scale = TimestampResolution.powersOf10[Int(9 - exponent)]
                let (r, o) = units.multipliedReportingOverflow(by: scale)
                return o || r > UInt64(Int64.max) ? Int64.max : Int64(r)
            }
            if exponent > 19 { return 0 }
            return Int64(units / TimestampResolution.powersOf10[Int(exponent - 9)])
        }
        if exponent > 63 { return 0 }
        let secs = units >> UInt64(exponent)
        let frac = units & ((1 << UInt64(exponent)) &- 1)
        // frac < 2^exp; frac * 1e9 may overflow for exp > 34, so scale down first there.
        let fracNs: UInt64
        if exponent <= 34 {
            fracNs = (frac &* 1_000_000_000) >> UInt64(exponent)
        } else {
            fracNs = (frac >> UInt64(exponent - 30)) &* 1_000_000_000 >> 30
        }
        let (r, o) = secs.multipliedReportingOverflow(by: 1_000_000_000)
        if o || r > UInt64(Int64.max) - fracNs { return Int64.max }
        return Int64(r + fracNs)
    }

    @usableFromInline
    static let powersOf10: [UInt64] = (0 ... 19).map { e in (0 ..< e).reduce(UInt64(1)) { a, _ in a &* 10 } }

    public var description: String {
        binary ? "2^-\(exponent) s" : (exponent == 6 ? "microseconds" : exponent == 9 ? "nanoseconds" : "10^-\(exponent) s")
    }
}
