import Foundation
import Verdicts

/// Draws a `FlowDiagramModel` as inline SVG: three columns of nodes joined by curves
/// whose width grows with the log of the bytes. Labels use a monospaced font so their
/// width can be known without measuring, and are shortened (full text in tooltips).
enum FlowDiagramSVG {
    static let width = 1100.0
    static let top = 64.0
    /// Vertical room per node: two lines of label.
    static let pitch = 36.0

    static let deviceX = 262.0, nodeWidth = 8.0
    static let countryX = 480.0, countryWidth = 90.0
    static let serverX = 760.0
    /// Monospaced advance per character, as a fraction of the font size.
    static let advance = 0.6

    static func render(_ model: FlowDiagramModel) -> String {
        let rows = Double(max(model.devices.count, model.countries.count, model.servers.count))
        let height = top + rows * pitch + 8
        let deviceY = centres(model.devices.count, rows: rows)
        let countryY = centres(model.countries.count, rows: rows)
        let serverY = centres(model.servers.count, rows: rows)
        let maxBytes = model.maxLinkBytes

        var out = "<svg class=\"flow-diagram\" role=\"img\" aria-label=\"Data-flow diagram: devices, countries, servers\" viewBox=\"0 0 \(HTMLText.decimal(width)) \(HTMLText.decimal(height))\" font-family=\"'DejaVu Sans Mono', 'Liberation Mono', Menlo, Consolas, monospace\">\n"
        out += legend()
        out += heading("Devices (\(model.devices.reduce(0) { $0 + max(1, $1.aggregated) }))", x: deviceX + nodeWidth, anchor: "end")
        out += heading("Countries", x: countryX + countryWidth / 2, anchor: "middle")
        out += heading("Servers abroad (\(model.servers.reduce(0) { $0 + max(1, $1.aggregated) }))", x: serverX, anchor: "start")

        // Links first, so nodes and labels sit on top of them.
        let left = ports(model.deviceToCountry, fromY: deviceY, toY: countryY, fromSpan: 14, toSpan: 22)
        let right = ports(model.countryToServer, fromY: countryY, toY: serverY, fromSpan: 22, toSpan: 14)
        out += "<g fill=\"none\" stroke-opacity=\"0.45\">\n"
        for (i, l) in model.deviceToCountry.enumerated() {
            out += link(from: (deviceX + nodeWidth, left[i].from), to: (countryX, left[i].to), l, maxBytes: maxBytes,
                        title: "\(model.devices[l.from].lines[0]) → \(model.countries[l.to].lines[0])")
        }
        for (i, l) in model.countryToServer.enumerated() {
            out += link(from: (countryX + countryWidth, right[i].from), to: (serverX, right[i].to), l, maxBytes: maxBytes,
                        title: "\(model.countries[l.from].lines[0]) → \(model.servers[l.to].lines[0])")
        }
        out += "</g>\n"

        for (i, d) in model.devices.enumerated() {
            out += "<g class=\"node device\">" + HTMLText.element("title", d.detail)
            out += rect(x: deviceX, y: deviceY[i] - 9, w: nodeWidth, h: 18, fill: "#455a64")
            out += label(d, x: deviceX - 8, y: deviceY[i], anchor: "end", room: deviceX - 8, colour: "#555555")
            out += "</g>\n"
        }
        for (i, c) in model.countries.enumerated() {
            let y = countryY[i]
            out += "<g class=\"node country\">" + HTMLText.element("title", c.detail)
            out += "<rect x=\"\(HTMLText.decimal(countryX))\" y=\"\(HTMLText.decimal(y - 15))\" width=\"\(HTMLText.decimal(countryWidth))\" height=\"30\" rx=\"4\" fill=\"#eceff1\" stroke=\"#78909c\"/>"
            out += text(c.lines[0], x: countryX + countryWidth / 2, y: y - 2, size: 12, anchor: "middle", colour: "#263238", bold: true)
            out += text(c.lines[1], x: countryX + countryWidth / 2, y: y + 11, size: 9.5, anchor: "middle", colour: "#455a64")
            out += "</g>\n"
        }
        for (i, s) in model.servers.enumerated() {
            let colour = RegistryStatusStyle.colour(s.status)
            out += "<g class=\"node server\">" + HTMLText.element("title", s.detail)
            out += rect(x: serverX, y: serverY[i] - 9, w: nodeWidth, h: 18, fill: colour)
            out += label(s, x: serverX + nodeWidth + 8, y: serverY[i], anchor: "start", room: width - serverX - nodeWidth - 10, colour: colour)
            out += "</g>\n"
        }
        return out + "</svg>\n"
    }

    /// Node centres for a column of `n`: evenly spread over the tallest column, but no
    /// further apart than two and a half rows (a short column stays together).
    static func centres(_ n: Int, rows: Double) -> [Double] {
        guard n > 0 else { return [] }
        let step = min(rows * pitch / Double(n), pitch * 2.5)
        let start = top + (rows * pitch - step * Double(n)) / 2
        return (0 ..< n).map { start + step * (Double($0) + 0.5) }
    }

    /// Where each link meets its nodes: a node's links fan out over at most `span` units of its
    /// height, ordered by where their other ends are, so they do not cross at the node.
    static func ports(_ links: [FlowDiagramModel.Link], fromY: [Double], toY: [Double], fromSpan: Double, toSpan: Double)
        -> [(from: Double, to: Double)] {
        func offsets(node: (FlowDiagramModel.Link) -> Int, other: (FlowDiagramModel.Link) -> Double, centres: [Double], span: Double) -> [Double] {
            var y = [Double](repeating: 0, count: links.count)
            let byNode = Dictionary(grouping: links.indices, by: { node(links[$0]) })
            for (n, members) in byNode {
                let ordered = members.sorted { (other(links[$0]), $0) < (other(links[$1]), $1) }
                let step = ordered.count > 1 ? min(span / Double(ordered.count - 1), 6) : 0
                for (k, i) in ordered.enumerated() {
                    y[i] = centres[n] + step * (Double(k) - Double(ordered.count - 1) / 2)
                }
            }
            return y
        }
        let starts = offsets(node: \.from, other: { toY[$0.to] }, centres: fromY, span: fromSpan)
        let ends = offsets(node: \.to, other: { fromY[$0.from] }, centres: toY, span: toSpan)
        return zip(starts, ends).map { ($0, $1) }
    }

    static func link(from a: (Double, Double), to b: (Double, Double), _ l: FlowDiagramModel.Link, maxBytes: UInt64, title: String) -> String {
        let mid = (a.0 + b.0) / 2
        let d = "M\(HTMLText.decimal(a.0)) \(HTMLText.decimal(a.1)) C\(HTMLText.decimal(mid)) \(HTMLText.decimal(a.1)) \(HTMLText.decimal(mid)) \(HTMLText.decimal(b.1)) \(HTMLText.decimal(b.0)) \(HTMLText.decimal(b.1))"
        return "<path d=\"\(d)\" stroke=\"\(RegistryStatusStyle.colour(l.status))\" stroke-width=\"\(HTMLText.decimal(strokeWidth(l.bytes, max: maxBytes)))\">"
            + HTMLText.element("title", "\(title): \(HTMLText.bytes(l.bytes)), \(l.status)") + "</path>\n"
    }

    /// 1.5 to 12 units: log scale, so a firmware download does not hide telemetry.
    static func strokeWidth(_ bytes: UInt64, max: UInt64) -> Double {
        guard max > 0 else { return 1.5 }
        return 1.5 + 10.5 * log1p(Double(bytes)) / log1p(Double(max))
    }

    /// A node's two label lines, shortened to the room there is.
    static func label(_ n: FlowDiagramModel.Node, x: Double, y: Double, anchor: String, room: Double, colour: String) -> String {
        let italic = n.aggregated > 0
        var out = text(shorten(n.lines[0], room: room, size: 11), x: x, y: y - 2, size: 11, anchor: anchor, colour: "#212121", italic: italic)
        if n.lines.count > 1 {
            out += text(shorten(n.lines[1], room: room, size: 9.5), x: x, y: y + 11, size: 9.5, anchor: anchor, colour: colour, italic: italic)
        }
        return out
    }

    static func shorten(_ s: String, room: Double, size: Double) -> String {
        let fits = Int(room / (size * advance))
        return s.count <= fits ? s : String(s.prefix(max(1, fits - 1))) + "…"
    }

    static func text(_ s: String, x: Double, y: Double, size: Double, anchor: String, colour: String, bold: Bool = false, italic: Bool = false) -> String {
        var attributes = [("x", HTMLText.decimal(x)), ("y", HTMLText.decimal(y)), ("font-size", HTMLText.decimal(size)),
                          ("text-anchor", anchor), ("fill", colour)]
        if bold { attributes.append(("font-weight", "bold")) }
        if italic { attributes.append(("font-style", "italic")) }
        return HTMLText.element("text", s, attributes)
    }

    static func rect(x: Double, y: Double, w: Double, h: Double, fill: String) -> String {
        "<rect x=\"\(HTMLText.decimal(x))\" y=\"\(HTMLText.decimal(y))\" width=\"\(HTMLText.decimal(w))\" height=\"\(HTMLText.decimal(h))\" fill=\"\(fill)\"/>"
    }

    static func heading(_ s: String, x: Double, anchor: String) -> String {
        text(s, x: x, y: 50, size: 12, anchor: anchor, colour: "#263238", bold: true) + "\n"
    }

    /// Status colours, and what a line's width means.
    static func legend() -> String {
        var out = "<g class=\"legend\">"
        var x = 0.0
        for status in RegistryStatusStyle.ordered {
            out += rect(x: x, y: 8, w: 12, h: 12, fill: RegistryStatusStyle.colour(status))
            out += text("server " + status.name, x: x + 17, y: 18, size: 11, anchor: "start", colour: "#212121")
            x += 17 + Double(("server " + status.name).count) * 11 * advance + 22
        }
        out += text("line width: bytes (log scale)", x: width, y: 18, size: 11, anchor: "end", colour: "#555555")
        return out + "</g>\n"
    }
}
