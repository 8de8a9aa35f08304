/// CSV fields as RFC 4180 writes them, made safe to open in a spreadsheet: every CSV
/// borderflow writes (reports, the maintenance log, flow records) holds names taken
/// from captured traffic.
enum CSVText {
    /// A field that starts with `=`, `+`, `-`, `@`, a tab or a CR is read by spreadsheets
    /// as a formula (CSV injection, in OWASP's words): such a field is written quoted,
    /// after a `'`, which spreadsheets show as text.
    @inline(__always) static func startsFormula(_ first: UInt8) -> Bool {
        first == 0x3D || first == 0x2B || first == 0x2D || first == 0x40 || first == 0x09 || first == 0x0D
    }

    /// Bytes that only a quoted field may hold: comma, quote, LF, CR.
    @inline(__always) static func needsQuotes(_ b: UInt8) -> Bool {
        b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D
    }

    static func field(_ s: String) -> String {
        let formula = s.utf8.first.map(startsFormula) ?? false
        guard formula || s.utf8.contains(where: needsQuotes) else { return s }
        var out = formula ? "\"'" : "\""
        for c in s.unicodeScalars {
            if c == "\"" { out += "\"\"" } else { out.unicodeScalars.append(c) }
        }
        return out + "\""
    }
}
