/// The YAML layout registries are written in, read straight from the bytes:
///
///     servers:
///       - id: REG-1
///         operator: Example GmbH        # comment
///         addresses: [192.0.2.1, "2001:db8::/32"]
///         hostnames:
///           - mqtt.example.com
///
/// A top-level `servers:` list of flat mappings whose values are plain, single- or
/// double-quoted (no escapes) scalars, or lists of them in flow (`[a, b]`) or block
/// (`- a`) form. Anything else (anchors, tags, block scalars, flow mappings, escapes,
/// other top-level keys, repeated keys, tabs) returns nil, and the file is read by
/// the full YAML parser instead, so this reader never decides what a file means
/// differently from it: the same entries, lines and problems, ten times faster and in
/// a fraction of the memory.
enum FlatYAMLRegistry {
    static func parse(_ text: RegistryBytes, file: String, problems: inout [RegistryProblem]) -> [RegistryLoader.RawEntry]? {
        var reader = Reader(text: text, file: file)
        var ok = true
        text.forEachLine { line, number in
            ok = reader.line(line, number)
            return ok
        }
        guard ok, let entries = reader.finish() else { return nil }
        problems += reader.problems
        return entries
    }

    /// A key whose value is on the lines below (a block list).
    struct PendingList {
        var key: String
        var keyLine: Int
        var items: [(String, Int)] = []
        /// Indent of the `- ` items (the first item decides).
        var indent: Int?
    }

    struct Reader {
        let text: RegistryBytes
        let file: String
        var entries: [RegistryLoader.RawEntry] = []
        var problems: [RegistryProblem] = []
        var strings = StringPool()
        /// Past the `servers:` line.
        var inServers = false
        var seenServers = false
        /// Indent of the `- ` that starts each entry, and of the keys inside one.
        var itemIndent: Int?
        var keyIndent = 0
        var current: RegistryLoader.RawEntry?
        var keysSeen: Set<String> = []
        var pending: PendingList?

        init(text: RegistryBytes, file: String) {
            self.text = text
            self.file = file
        }

        var b: UnsafeRawBufferPointer { text.bytes }

        /// One line; false when the file is beyond this reader.
        mutating func line(_ line: Range<Int>, _ number: Int) -> Bool {
            var i = line.lowerBound
            while i < line.upperBound, b[i] == 0x20 { i += 1 }
            if i == line.upperBound { return true }
            if b[i] == 0x09 { return false }
            if b[i] == UInt8(ascii: "#") { return true }
            let indent = i - line.lowerBound
            let content = i ..< line.upperBound
            if number == 1, text.starts(with: "\u{FEFF}", at: line.lowerBound, before: line.upperBound) { return false }
            if indent == 0 {
                guard closeEntry(), !seenServers else { return false }
                // `servers:` alone (a comment may follow), at the top.
                guard let (key, value) = keyValue(content), key == "servers", isEmptyValue(value) else { return false }
                inServers = true
                seenServers = true
                return true
            }
            guard inServers else { return false }
            let isItem = b[i] == UInt8(ascii: "-") && (i + 1 == line.upperBound || b[i + 1] == 0x20)
            if isItem, indent == (itemIndent ?? indent), pending?.indent != indent {
                // A new entry: `- key: value`.
                guard closeEntry() else { return false }
                itemIndent = indent
                var k = i + 1
                while k < line.upperBound, b[k] == 0x20 { k += 1 }
                guard k < line.upperBound else { return false }
                keyIndent = k - line.lowerBound
                current = RegistryLoader.RawEntry(line: number)
                keysSeen = []
                return keyLine(k ..< line.upperBound, number)
            }
            guard current != nil else { return false }
            if isItem, var list = pending, indent >= keyIndent, indent == (list.indent ?? indent) {
                list.indent = indent
                var k = i + 1
                while k < line.upperBound, b[k] == 0x20 { k += 1 }
                guard let item = scalarValue(k ..< line.upperBound, inFlow: false), !item.isEmpty || k < line.upperBound else { return false }
                list.items.append((item, number))
                pending = list
                return true
            }
            guard !isItem, indent == keyIndent, closePending() else { return false }
            return keyLine(content, number)
        }

        /// `key: value` inside an entry.
        mutating func keyLine(_ content: Range<Int>, _ number: Int) -> Bool {
            guard let (key, value) = keyValue(content), keysSeen.insert(key).inserted else { return false }
            if isEmptyValue(value) {
                pending = PendingList(key: key, keyLine: number)
                return true
            }
            let v = text.trimmed(value)
            if b[v.lowerBound] == UInt8(ascii: "[") {
                guard let items = flowList(v) else { return false }
                return assign(key, list: items.map { ($0, number) }, scalarLine: nil, keyLine: number)
            }
            guard let s = scalarValue(v, inFlow: false) else { return false }
            return assign(key, list: [(s, number)], scalarLine: number, keyLine: number)
        }

        /// Stores a value as the full parser's reading would: scalars for the scalar
        /// keys, lists (or one scalar as a list of one) for the list keys.
        mutating func assign(_ key: String, list: [(String, Int)], scalarLine: Int?, keyLine: Int) -> Bool {
            func one() -> (String, Int)? {
                guard let line = scalarLine, let v = list.first?.0 else { return nil }
                return (v, line)
            }
            switch key {
            case "id":
                guard scalarLine != nil else { return false }
                current!.id = one()
            case "operator":
                guard scalarLine != nil else { return false }
                current!.operatorName = one().map { (strings.intern($0.0), $0.1) }
            case "country":
                guard scalarLine != nil else { return false }
                current!.country = one()
            case "valid_from":
                guard scalarLine != nil else { return false }
                current!.validFrom = one()
            case "valid_until":
                guard scalarLine != nil else { return false }
                current!.validUntil = one()
            case "draft":
                guard scalarLine != nil else { return false }
                current!.draft = one()
            case "addresses": current!.addresses = list
            case "hostnames": current!.hostnames = list
            case "purposes": current!.purposes = list.map { (strings.intern($0.0), $0.1) }
            default:
                problems.append(RegistryProblem(file: file, line: keyLine, severity: .warning, message: "unknown key `\(quoted(key))` ignored"))
            }
            return true
        }

        mutating func closePending() -> Bool {
            guard let list = pending else { return true }
            pending = nil
            // `key:` with nothing under it is a null, not a list: the full parser's case.
            guard !list.items.isEmpty else { return false }
            return assign(list.key, list: list.items, scalarLine: nil, keyLine: list.keyLine)
        }

        mutating func closeEntry() -> Bool {
            guard closePending() else { return false }
            if let e = current { entries.append(e) }
            current = nil
            return true
        }

        mutating func finish() -> [RegistryLoader.RawEntry]? {
            guard closeEntry(), seenServers, !entries.isEmpty else { return nil }
            return entries
        }

        /// `key:` then a space or the end; keys of letters, digits, `_` and `-`.
        func keyValue(_ content: Range<Int>) -> (String, Range<Int>)? {
            var k = content.lowerBound
            while k < content.upperBound, isKeyByte(b[k]) { k += 1 }
            guard k > content.lowerBound, k < content.upperBound, b[k] == UInt8(ascii: ":") else { return nil }
            guard k + 1 == content.upperBound || b[k + 1] == 0x20 else { return nil }
            return (text.string(content.lowerBound ..< k), k + 1 ..< content.upperBound)
        }

        func isKeyByte(_ c: UInt8) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
        }

        /// Nothing, or only a comment.
        func isEmptyValue(_ value: Range<Int>) -> Bool {
            let v = text.trimmed(value)
            return v.isEmpty || b[v.lowerBound] == UInt8(ascii: "#")
        }

        /// `[a, "b", 'c']` on one line, a comment allowed after it.
        func flowList(_ v: Range<Int>) -> [String]? {
            var items: [String] = []
            var k = v.lowerBound + 1
            while true {
                while k < v.upperBound, b[k] == 0x20 { k += 1 }
                guard k < v.upperBound else { return nil }
                if b[k] == UInt8(ascii: "]") {
                    // `[]` or `[a, b]`; not `[a, ]`.
                    guard items.isEmpty || b[k - 1] != UInt8(ascii: ",") && !isAfterComma(k) else { return nil }
                    return isEndOfLine(k + 1, v.upperBound) ? items : nil
                }
                // One item, up to `,` or `]` outside quotes.
                var end = k
                if b[k] == UInt8(ascii: "\"") || b[k] == UInt8(ascii: "'") {
                    let quote = b[k]
                    end = k + 1
                    while end < v.upperBound {
                        if b[end] == quote {
                            if quote == UInt8(ascii: "'"), end + 1 < v.upperBound, b[end + 1] == quote { end += 2; continue }
                            break
                        }
                        end += 1
                    }
                    guard end < v.upperBound else { return nil }
                    end += 1
                } else {
                    while end < v.upperBound, b[end] != UInt8(ascii: ","), b[end] != UInt8(ascii: "]") { end += 1 }
                }
                guard let item = scalarValue(k ..< end, inFlow: true), !item.isEmpty else { return nil }
                items.append(item)
                k = end
                while k < v.upperBound, b[k] == 0x20 { k += 1 }
                guard k < v.upperBound else { return nil }
                if b[k] == UInt8(ascii: ",") { k += 1 } else if b[k] != UInt8(ascii: "]") { return nil }
            }
        }

        func isAfterComma(_ k: Int) -> Bool {
            var j = k - 1
            while j > 0, b[j] == 0x20 { j -= 1 }
            return b[j] == UInt8(ascii: ",")
        }

        /// Only spaces, or spaces and a comment, from `k` to `end`.
        func isEndOfLine(_ k: Int, _ end: Int) -> Bool {
            var j = k
            while j < end, b[j] == 0x20 { j += 1 }
            return j == end || (j > k && b[j] == UInt8(ascii: "#"))
        }

        /// A plain or quoted scalar (nil when it is more than that). A plain scalar
        /// ends at ` #` (a comment); in a flow list it cannot hold `,[]{}`.
        func scalarValue(_ r: Range<Int>, inFlow: Bool) -> String? {
            let v = text.trimmed(r)
            guard !v.isEmpty else { return nil }
            let first = b[v.lowerBound]
            if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") {
                var out: [UInt8] = []
                var k = v.lowerBound + 1
                while k < v.upperBound {
                    let c = b[k]
                    if c == first {
                        if first == UInt8(ascii: "'"), k + 1 < v.upperBound, b[k + 1] == first { out.append(c); k += 2; continue }
                        guard isEndOfLine(k + 1, v.upperBound) else { return nil }
                        // Values are trimmed after parsing, quoted or not.
                        return String(decoding: out, as: UTF8.self).trimmedSpaces
                    }
                    if first == UInt8(ascii: "\""), c == UInt8(ascii: "\\") { return nil }
                    out.append(c)
                    k += 1
                }
                return nil   // not closed on this line
            }
            // Indicators that start something other than a plain scalar.
            switch first {
            case UInt8(ascii: "&"), UInt8(ascii: "*"), UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"),
                 UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                 UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ","), UInt8(ascii: "#"):
                return nil
            case UInt8(ascii: "-"), UInt8(ascii: "?"), UInt8(ascii: ":"):
                if v.count == 1 || b[v.lowerBound + 1] == 0x20 { return nil }
            default: break
            }
            var end = v.upperBound
            var k = v.lowerBound
            while k < v.upperBound {
                let c = b[k]
                if c == UInt8(ascii: "#"), b[k - 1] == 0x20 {
                    // A comment inside a flow list leaves the list open: the full parser's case.
                    if inFlow { return nil }
                    end = k
                    break
                }
                if c == UInt8(ascii: ":"), k + 1 == v.upperBound || b[k + 1] == 0x20 { return nil }
                if c < 0x20 { return nil }
                if inFlow, c == UInt8(ascii: "[") || c == UInt8(ascii: "]") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}") { return nil }
                k += 1
            }
            let t = text.trimmed(v.lowerBound ..< end)
            guard !t.isEmpty else { return nil }
            return text.trimmedString(t)
        }
    }
}
