import Foundation

/// Reads JSON text back into a `JSON` value, keeping object key order (saved
/// partial results hold rendered input objects; a merge re-renders them unchanged).
extension JSON {
    public static func parse(_ text: String) -> JSON? {
        var bytes = Array(text.utf8)
        bytes.append(0)
        var i = 0
        guard let v = value(bytes, &i, depth: 0) else { return nil }
        skip(bytes, &i)
        return i == bytes.count - 1 ? v : nil
    }

    private static func skip(_ b: [UInt8], _ i: inout Int) {
        while b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private static func value(_ b: [UInt8], _ i: inout Int, depth: Int) -> JSON? {
        guard depth < 64 else { return nil }
        skip(b, &i)
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(String, JSON)] = []
            skip(b, &i)
            if b[i] == UInt8(ascii: "}") { i += 1; return .object([]) }
            while true {
                skip(b, &i)
                guard b[i] == UInt8(ascii: "\""), let key = string(b, &i) else { return nil }
                skip(b, &i)
                guard b[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                guard let v = value(b, &i, depth: depth + 1) else { return nil }
                members.append((key, v))
                skip(b, &i)
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                return nil
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSON] = []
            skip(b, &i)
            if b[i] == UInt8(ascii: "]") { i += 1; return .array([]) }
            while true {
                guard let v = value(b, &i, depth: depth + 1) else { return nil }
                items.append(v)
                skip(b, &i)
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                return nil
            }
        case UInt8(ascii: "\""):
            return string(b, &i).map(JSON.string)
        case UInt8(ascii: "t"): return literal(b, &i, "true", .bool(true))
        case UInt8(ascii: "f"): return literal(b, &i, "false", .bool(false))
        case UInt8(ascii: "n"): return literal(b, &i, "null", .null)
        default:
            let start = i
            while let c = Optional(b[i]), c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                || c == UInt8(ascii: "e") || c == UInt8(ascii: "E") || (c >= 0x30 && c <= 0x39) { i += 1 }
            guard i > start, let text = String(bytes: b[start ..< i], encoding: .utf8) else { return nil }
            if let n = Int64(text) { return .int(n) }
            return Double(text).map(JSON.double)
        }
    }

    private static func literal(_ b: [UInt8], _ i: inout Int, _ word: String, _ v: JSON) -> JSON? {
        for c in word.utf8 {
            guard b[i] == c else { return nil }
            i += 1
        }
        return v
    }

    private static func string(_ b: [UInt8], _ i: inout Int) -> String? {
        i += 1
        var out: [UInt8] = []
        while true {
            let c = b[i]
            if c == 0 && i == b.count - 1 { return nil }
            i += 1
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            guard c == UInt8(ascii: "\\") else { out.append(c); continue }
            guard i < b.count - 1 else { return nil }   // a backslash at the very end
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard i + 4 < b.count, let hex = String(bytes: b[i ..< i + 4], encoding: .utf8), var code = UInt32(hex, radix: 16) else { return nil }
                i += 4
                // A surrogate pair spells one scalar beyond the basic plane.
                if code >= 0xD800, code < 0xDC00, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u"),
                   let low = String(bytes: b[i + 2 ..< min(b.count, i + 6)], encoding: .utf8).flatMap({ UInt32($0, radix: 16) }),
                   low >= 0xDC00, low < 0xE000 {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
            default: out.append(e)
            }
        }
    }
}
