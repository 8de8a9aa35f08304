/// The CSV registry: `id,operator,country,endpoint,purposes,valid_from,valid_until`,
/// one row per endpoint (address, CIDR or hostname); rows with the same id form one
/// entry. Read from the file's bytes in place (RFC 4180: commas and line breaks inside
/// double quotes, "" for a quote).
enum CSVRegistry {
    static let header = ["id", "operator", "country", "endpoint", "purposes", "valid_from", "valid_until"]

    static func parse(_ text: RegistryBytes, file: String, problems: inout [RegistryProblem]) -> [RegistryLoader.RawEntry] {
        var out: [RegistryLoader.RawEntry] = []
        var byID: [String: Int] = [:]
        var seenHeader = false
        var strings = StringPool()
        records(text) { lineNo, fields in
            if !seenHeader {
                seenHeader = true
                if fields.map({ $0.string(text).lowercased() }) != header {
                    problems.append(RegistryProblem(file: file, line: lineNo, message: "CSV header must be \(header.joined(separator: ","))"))
                    return false
                }
                return true
            }
            guard fields.count == header.count else {
                problems.append(RegistryProblem(file: file, line: lineNo, message: "expected \(header.count) fields, found \(fields.count)"))
                return true
            }
            let id = fields[0].string(text)
            // Rows of an id already seen add to its entry in place (a copy per row made
            // loading quadratic in the rows of one id); only their endpoint is read.
            let i: Int
            if let known = byID[id] { i = known } else {
                var e = RegistryLoader.RawEntry(line: lineNo)
                e.id = (id, lineNo)
                e.operatorName = (strings.intern(fields[1].string(text)), lineNo)
                e.country = (fields[2].string(text), lineNo)
                e.purposes = fields[4].string(text).split(separator: ";").map { (strings.intern($0.trimmedSpaces), lineNo) }
                let from = fields[5].string(text), until = fields[6].string(text)
                if !from.isEmpty { e.validFrom = (from, lineNo) }
                if !until.isEmpty { e.validUntil = (until, lineNo) }
                i = out.count
                byID[id] = i
                out.append(e)
            }
            let endpoint = fields[3].string(text)
            if endpoint.isEmpty {
                problems.append(RegistryProblem(file: file, line: lineNo, message: "empty endpoint"))
            } else if endpoint.first!.isNumber || endpoint.contains(":") {
                out[i].addresses.append((endpoint, lineNo))
            } else {
                out[i].hostnames.append((endpoint, lineNo))
            }
            return true
        }
        if !seenHeader { problems.append(RegistryProblem(file: file, line: 1, message: "empty registry")) }
        return out
    }

    /// A field of a record: a range of the file, or the unquoted bytes of a quoted one.
    enum Field {
        case range(Range<Int>)
        case unquoted([UInt8])

        /// The value, without leading and trailing spaces and tabs.
        func string(_ text: RegistryBytes) -> String {
            switch self {
            case .range(let r): return text.trimmedString(r)
            case .unquoted(let b): return String(decoding: b, as: UTF8.self).trimmedSpaces
            }
        }
    }

    /// Calls `body` with each RFC 4180 record and the line it starts on; stops when it
    /// returns false. Blank lines and `#` comments between records are skipped; a quote
    /// left open at the end closes there.
    static func records(_ text: RegistryBytes, _ body: (Int, [Field]) -> Bool) {
        let b = text.bytes
        var fields: [Field] = []
        fields.reserveCapacity(header.count)
        var current: [UInt8] = []
        var quoted = false
        var start = 0
        var going = true
        text.forEachLine { line, number in
            if quoted {
                current.append(0x0A)
            } else {
                let content = text.trimmed(line)
                if content.isEmpty || b[line.lowerBound] == UInt8(ascii: "#") { return true }
                start = number
                // Most rows quote nothing: fields are ranges of the line.
                if !b[line].contains(UInt8(ascii: "\"")) {
                    fields.removeAll(keepingCapacity: true)
                    var from = line.lowerBound
                    for k in line where b[k] == UInt8(ascii: ",") {
                        fields.append(.range(from ..< k))
                        from = k + 1
                    }
                    fields.append(.range(from ..< line.upperBound))
                    going = body(start, fields)
                    return going
                }
                fields.removeAll(keepingCapacity: true)
            }
            var k = line.lowerBound
            while k < line.upperBound {
                let c = b[k]
                k += 1
                if quoted {
                    if c == UInt8(ascii: "\"") {
                        if k < line.upperBound, b[k] == UInt8(ascii: "\"") { current.append(c); k += 1 } else { quoted = false }
                    } else {
                        current.append(c)
                    }
                } else if c == UInt8(ascii: "\"") {
                    quoted = true
                } else if c == UInt8(ascii: ",") {
                    fields.append(.unquoted(current))
                    current.removeAll(keepingCapacity: true)
                } else {
                    current.append(c)
                }
            }
            if !quoted {
                fields.append(.unquoted(current))
                current.removeAll(keepingCapacity: true)
                going = body(start, fields)
                fields.removeAll(keepingCapacity: true)
            }
            return going
        }
        if going, quoted {
            fields.append(.unquoted(current))
            _ = body(start, fields)
        }
    }
}
