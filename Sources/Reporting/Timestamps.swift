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

    /// `2026-01-02T03:04:05[.fraction]Z` as nanoseconds since the epoch; nil for other text.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for i in from ..< from + count {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54, b[13] == 0x3A, b[16] == 0x3A, b.last == 0x5A,
              let y = digits(0, 4), let mo = digits(5, 2), let d = digits(8, 2), let h = digits(11, 2), let mi = digits(14, 2),
              let sec = digits(17, 2), (1 ... 12).contains(mo), (1 ... 31).contains(d), h < 24, mi < 60, sec < 61 else { return nil }
        var fraction: Int64 = 0
        if b.count > 20 {
            guard b[19] == 0x2E, b.count - 21 <= 9, let f = digits(20, b.count - 21) else { return nil }
            fraction = Int64(f)
            for _ in 0 ..< (9 - (b.count - 21)) { fraction *= 10 }
        }
        let days = Int64(CivilDate.daysSinceEpoch(year: y, month: mo, day: d))
        return (days * 86_400 + Int64(h * 3600 + mi * 60 + sec)) * 1_000_000_000 + fraction
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
