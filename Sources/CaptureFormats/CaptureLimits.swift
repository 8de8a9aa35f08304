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
    /// How much of a mapped file is read between two releases of the pages behind.
    public static let releaseInterval = 64 * 1024 * 1024
    /// How far ahead of the read position the record walk prefetches, every cache
    /// line of it: where the next record starts depends on this one's length, so the
    /// walk is a chain of dependent loads that prefetching the range breaks
    /// (measured here: 4 GB/s without, about 10 GB/s with every line 8 KiB ahead).
    public static let prefetchDistance = 8192
    public static let cacheLine = 64
}
