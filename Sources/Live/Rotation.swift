import WireBytes

/// When `--write` starts a new file: once one holds so many bytes, or every so long.
public enum Rotation: Sendable, Equatable {
    case size(Int)
    /// Nanoseconds; files are cut at multiples of it (UTC), so 15m gives :00, :15, :30, :45.
    case time(Int64)

    /// `100M`, `2G`, `500K` (powers of 1024; a trailing B or iB is allowed) or `15m`,
    /// `30s`, `1h`, `1d`. Lower-case m is minutes, upper-case M is mebibytes.
    public init?(_ text: String) {
        if let bytes = ByteCount.parse(text) {
            guard bytes > 0 else { return nil }
            self = .size(bytes)
            return
        }
        guard let last = text.last, let n = Int64(text.dropLast()), n > 0 else { return nil }
        let unit: Int64
        switch last {
        case "s": unit = 1
        case "m": unit = 60
        case "h": unit = 3600
        case "d": unit = 86400
        default: return nil
        }
        let (seconds, o1) = n.multipliedReportingOverflow(by: unit)
        let (ns, o2) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !o1, !o2 else { return nil }
        self = .time(ns)
    }
}

