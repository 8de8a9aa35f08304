import WireBytes

/// RFC 3339 UTC text for nanoseconds since the epoch, without Foundation
/// (days-to-civil conversion after H. Hinnant's public-domain algorithm).
public enum Timestamps {
    /// `2026-01-02T03:04:05.123456Z`; `fractionDigits` 6 (microseconds) or 9 (nanoseconds).
    public static func rfc3339(nanoseconds ns: Int64, fractionDigits: Int = 6) -> String {
        let (days, secondOfDay, fraction) = split(ns)
        let (y, m, d) = civil(daysSinceEpoch: days)
        var out = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        out += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        if fractionDigits > 0 {
            var f = fraction
            for _ in 0 ..< (9 - min(9, fractionDigits)) { f /= 10 }
            out += "." + pad(f, min(9, fractionDigits))
        }
        return out + "Z"
    }

    /// Nanoseconds since the epoch as whole days, the second of that day and the
    /// nanoseconds into that second (floored, so times before 1970 count back).
    static func split(_ ns: Int64) -> (days: Int64, secondOfDay: Int64, fraction: Int64) {
        let perSecond: Int64 = 1_000_000_000
        var seconds = ns / perSecond
        var fraction = ns % perSecond
        if fraction < 0 { fraction += perSecond; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        return (days, secondOfDay, fraction)
    }

    static func civil(daysSinceEpoch z: Int64) -> (Int64, Int64, Int64) {
        let c = CivilDate.from(daysSinceEpoch: z)
        return (c.year, c.month, c.day)
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(abs(v))
        return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
