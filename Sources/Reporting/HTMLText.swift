/// Text for the evidence page. Everything a capture names (hostnames, paths, apps)
/// is attacker-controlled, so every text and attribute value goes through `escape`.
enum HTMLText {
    /// Escapes markup characters, and makes invisible controls visible: bidi overrides
    /// could make a hostname read differently from what it is, and C0/C1 controls are
    /// not allowed in HTML at all.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(u)
            default:
                if VisibleText.isInvisibleControl(u) {
                    out += "[U+" + VisibleText.hex(u.value) + "]"
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out
    }

    /// An element with escaped text content; `attributes` values are escaped too.
    static func element(_ name: String, _ text: String, _ attributes: [(String, String)] = []) -> String {
        "<\(name)\(attributeText(attributes))>\(escape(text))</\(name)>"
    }

    static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// `1,234,567`: counts are read by people, often on paper.
    static func count<T: BinaryInteger>(_ n: T) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// Exact bytes, with a binary-unit reading beside them when that helps.
    static func bytes(_ b: UInt64) -> String {
        b < 1024 ? "\(b) B" : count(b) + " B (" + ScanText.bytes(b) + ")"
    }

    static func time(_ ns: Int64) -> String { Timestamps.rfc3339(nanoseconds: ns, fractionDigits: 6) }

    /// File modification times: whole seconds are enough to tell versions apart.
    static func fileTime(_ ns: Int64?) -> String { ns.map { Timestamps.rfc3339(nanoseconds: $0, fractionDigits: 0) } ?? "unknown" }

    /// A list capped at `limit` items, the rest counted: big plants stay printable.
    /// `truncated`: the items are the smallest of more than the report keeps.
    static func capped(_ items: [String], limit: Int, noun: String = "more", truncated: Bool = false) -> String {
        guard !items.isEmpty else { return "—" }
        let shown = items.prefix(limit).map(escape).joined(separator: ", ")
        let more = items.count > limit ? ", … and \(count(items.count - limit)) \(noun)" : ""
        return shown + more + (truncated ? ", … and others beyond the \(count(items.count)) kept" : "")
    }

    /// A decimal with one fractional digit, formatted by hand so that SVG coordinates
    /// never depend on locale or float printing.
    static func decimal(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        let sign = tenths < 0 ? "-" : ""
        let m = abs(tenths)
        return m % 10 == 0 ? sign + String(m / 10) : sign + String(m / 10) + "." + String(m % 10)
    }
}
