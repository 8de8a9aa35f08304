/// One table cell: text (escaped here) or markup the page built itself.
struct HTMLCell {
    let html: String
    let cssClass: String?

    static func text(_ s: String, _ cssClass: String? = nil) -> HTMLCell { HTMLCell(html: HTMLText.escape(s), cssClass: cssClass) }
    static func number<T: BinaryInteger>(_ n: T) -> HTMLCell { HTMLCell(html: HTMLText.count(n), cssClass: "num") }
    static func markup(_ html: String, _ cssClass: String? = nil) -> HTMLCell { HTMLCell(html: html, cssClass: cssClass) }
}

/// Tables of the evidence page: a header row that repeats on every printed page,
/// and a note when rows were left out.
enum HTMLTable {
    static func render(_ headers: [String], _ rows: [[HTMLCell]], cssClass: String = "", omitted: Int = 0, omittedNote: String = "") -> String {
        var out = "<table" + (cssClass.isEmpty ? "" : " class=\"\(cssClass)\"") + "><thead><tr>"
        for h in headers { out += HTMLText.element("th", h, [("scope", "col")]) }
        out += "</tr></thead><tbody>\n"
        for row in rows {
            out += "<tr>"
            for cell in row {
                out += (cell.cssClass.map { "<td class=\"\($0)\">" } ?? "<td>") + cell.html + "</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody></table>\n"
        if omitted > 0 {
            out += "<p class=\"omitted\">… and \(HTMLText.count(omitted)) more \(HTMLText.escape(omittedNote))</p>\n"
        }
        return out
    }

    /// A two-column table of facts (label, value) — a finding's or the scope's details.
    static func facts(_ rows: [(String, HTMLCell)]) -> String {
        var out = "<table class=\"facts\"><tbody>\n"
        for (label, value) in rows {
            out += "<tr>" + HTMLText.element("th", label, [("scope", "row")])
                + (value.cssClass.map { "<td class=\"\($0)\">" } ?? "<td>") + value.html + "</td></tr>\n"
        }
        return out + "</tbody></table>\n"
    }
}
