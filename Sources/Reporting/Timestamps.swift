/// RFC 3339 UTC text for nanoseconds since the epoch, without Foundation
/// (days-to-civil conversion after H. Hinnant's public-domain algorithm).
public enum Timestamps {
    /// `2026-01-02T03:04:05.123456Z`; `fractionDigits` 6 (microseconds) or 9 (nanoseconds).
    public static func rfc3339(nanoseconds ns: Int64, fractionDigits: Int = 6) -> String {
        let perSecond: Int64 = 1_000_000_000
        var seconds = ns / perSecond
        var fraction = ns % perSecond
        if fraction < 0 { fraction += perSecond; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
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

    static func civil(daysSinceEpoch z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(abs(v))
        return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
