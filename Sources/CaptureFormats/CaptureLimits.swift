/// Every bound the capture readers enforce, in one place; reaching one is reported.
public enum CaptureLimits {
    /// Largest captured length accepted for one packet record. libpcap's own ceiling for
    /// most link types is 262144; larger snap lengths raise it up to `maxRecordLengthHard`.
    public static let maxRecordLength = 262_144
    public static let maxRecordLengthHard = 16 * 1024 * 1024
    /// Largest pcapng block accepted (a block holds one packet plus options).
    public static let maxBlockLength = 16 * 1024 * 1024 + 1024
    /// Interfaces per pcapng section.
    public static let maxInterfacesPerSection = 65_536
    /// The reused buffer for decompressed or piped input.
    public static let streamBufferSize = 1 << 20
    public static let maxStreamWindow = 32 * 1024 * 1024
    /// Compression layers unwrapped before a capture must appear (gzip of lz4 ...).
    public static let maxWrappingDepth = 3
    /// How far ahead of the read position the record walk prefetches.
    public static let prefetchDistance = 16384
}
