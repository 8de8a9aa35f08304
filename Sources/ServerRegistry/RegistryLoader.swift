import Foundation
import Yams

/// Reads a registry file (YAML or CSV, told apart by content) and validates every
/// entry, collecting every problem with its line rather than stopping at the first.
public enum RegistryLoader {
    public static func load(path: String) -> (Registry, [RegistryProblem]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return (Registry(entries: []), [RegistryProblem(file: path, line: 0, message: "cannot read the registry file")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return (Registry(entries: []), [RegistryProblem(file: path, line: 0, message: "the registry file is not UTF-8 text")])
        }
        return load(text: text, file: path)
    }

    public static func load(text: String, file: String) -> (Registry, [RegistryProblem]) {
        // Line by line up to the first that counts: splitting the whole text to look at
        // one line cost a tenth of a large registry's load.
        var firstLine: Substring?
        var rest = text[...]
        while !rest.isEmpty {
            let end = rest.firstIndex(where: \.isNewline) ?? rest.endIndex
            let line = rest[..<end]
            if !line.trimmedSpaces.isEmpty && !line.hasPrefix("#") { firstLine = line; break }
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        let entries: [RawEntry]
        var problems: [RegistryProblem] = []
        if let firstLine, firstLine.lowercased().replacingOccurrences(of: " ", with: "").hasPrefix("id,operator,") {
            entries = CSVRegistry.parse(text, file: file, problems: &problems)
        } else {
            entries = YAMLRegistry.parse(text, file: file, problems: &problems)
        }
        let valid = validate(entries, file: file, problems: &problems)
        return (Registry(entries: valid), problems)
    }

    /// Fields as read, with the line of each, before validation.
    struct RawEntry {
        var line: Int
        var id: (String, Int)?
        var operatorName: (String, Int)?
        var country: (String, Int)?
        var addresses: [(String, Int)] = []
        var hostnames: [(String, Int)] = []
        var purposes: [(String, Int)] = []
        var validFrom: (String, Int)?
        var validUntil: (String, Int)?
    }

    static func validate(_ raw: [RawEntry], file: String, problems: inout [RegistryProblem]) -> [RegistryEntry] {
        var out: [RegistryEntry] = []
        var seenIDs: [String: Int] = [:]
        var seenAddresses: [AddressPrefix: String] = [:]
        var seenHostnames: [HostnamePattern: String] = [:]
        for r in raw {
            var ok = true
            func fail(_ line: Int, _ message: String) {
                problems.append(RegistryProblem(file: file, line: line, message: message))
                ok = false
            }
            guard let (id, idLine) = r.id, !id.isEmpty else {
                fail(r.line, "entry has no `id`")
                continue
            }
            if let previous = seenIDs[id] {
                fail(idLine, "duplicate id \(quoted(id)) (first at line \(previous))")
            } else {
                seenIDs[id] = idLine
            }
            var country = ""
            if let (c, line) = r.country {
                if c.count == 2, c.allSatisfy({ $0.isASCII && $0.isUppercase }) { country = c } else {
                    fail(line, "country `\(quoted(c))` is not an ISO 3166-1 alpha-2 code (two capital letters, e.g. DE)")
                }
            } else {
                fail(r.line, "entry \(quoted(id)) has no `country`")
            }
            var addresses: [AddressPrefix] = []
            for (a, line) in r.addresses {
                if let p = AddressPrefix(a) { addresses.append(p) } else {
                    fail(line, "`\(quoted(a))` is not an IP address or CIDR prefix (host bits must be zero, e.g. 203.0.113.0/24)")
                }
            }
            var hostnames: [HostnamePattern] = []
            for (h, line) in r.hostnames {
                if let p = HostnamePattern(h) { hostnames.append(p) } else {
                    fail(line, "`\(quoted(h))` is not a hostname or `*.` wildcard (e.g. mqtt.example.com, *.ota.example.com)")
                }
            }
            if r.addresses.isEmpty, r.hostnames.isEmpty {
                fail(r.line, "entry \(quoted(id)) lists no addresses and no hostnames: it can never match")
            }
            var purposes: [String] = []
            for (p, line) in r.purposes {
                if Categories.all.contains(p) { purposes.append(p) } else {
                    fail(line, "unknown purpose `\(quoted(p))`; purposes are: \(Categories.all.joined(separator: ", "))")
                }
            }
            if r.purposes.isEmpty { fail(r.line, "entry \(quoted(id)) has no `purposes`") }
            var from: Day?, until: Day?
            if let (t, line) = r.validFrom {
                from = Day(t)
                if from == nil { fail(line, "valid_from `\(quoted(t))` is not a date (YYYY-MM-DD)") }
            }
            if let (t, line) = r.validUntil {
                until = Day(t)
                if until == nil { fail(line, "valid_until `\(quoted(t))` is not a date (YYYY-MM-DD)") }
            }
            if let from, let until, until < from {
                fail(r.validUntil?.1 ?? r.line, "valid_until \(until) is before valid_from \(from)")
            }
            for a in addresses {
                if let other = seenAddresses[a], other != id {
                    problems.append(RegistryProblem(file: file, line: r.line, severity: .warning,
                                                    message: "address \(a) of \(quoted(id)) is also listed by \(quoted(other))"))
                } else {
                    seenAddresses[a] = id
                }
            }
            for h in hostnames {
                if let other = seenHostnames[h], other != id {
                    problems.append(RegistryProblem(file: file, line: r.line, severity: .warning,
                                                    message: "hostname \(h) of \(quoted(id)) is also listed by \(quoted(other))"))
                } else {
                    seenHostnames[h] = id
                }
            }
            if ok {
                out.append(RegistryEntry(id: id, operatorName: r.operatorName?.0 ?? "", country: country, addresses: addresses,
                                         hostnames: hostnames, purposes: purposes, validFrom: from, validUntil: until, line: r.line))
            }
        }
        return out
    }
}

enum YAMLRegistry {
    static func parse(_ text: String, file: String, problems: inout [RegistryProblem]) -> [RegistryLoader.RawEntry] {
        let root: Node?
        do {
            // The basic resolver: every scalar stays a string (all this file holds); the
            // default one compiles and runs its regular expressions, ~1.5 ms of start-up.
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            let (problem, line, _) = YAMLProblem.describe(error)
            problems.append(RegistryProblem(file: file, line: line ?? 0, message: "not valid YAML: \(problem)"))
            return []
        }
        guard let root, let map = root.mapping else {
            problems.append(RegistryProblem(file: file, line: 1, message: "expected a mapping with a `servers:` list"))
            return []
        }
        guard let servers = map["servers"] else {
            problems.append(RegistryProblem(file: file, line: 1, message: "no `servers:` list"))
            return []
        }
        guard let list = servers.sequence else {
            problems.append(RegistryProblem(file: file, line: line(servers), message: "`servers` must be a list of entries"))
            return []
        }
        var out: [RegistryLoader.RawEntry] = []
        for item in list {
            guard let m = item.mapping else {
                problems.append(RegistryProblem(file: file, line: line(item), message: "each server must be a mapping (id, country, addresses ...)"))
                continue
            }
            var e = RegistryLoader.RawEntry(line: line(item))
            for (k, v) in m {
                guard let key = k.string else { continue }
                switch key {
                case "id": e.id = scalar(v)
                case "operator": e.operatorName = scalar(v)
                case "country": e.country = scalar(v)
                case "addresses": e.addresses = strings(v, key, file, &problems)
                case "hostnames": e.hostnames = strings(v, key, file, &problems)
                case "purposes": e.purposes = strings(v, key, file, &problems)
                case "valid_from": e.validFrom = scalar(v)
                case "valid_until": e.validUntil = scalar(v)
                default:
                    problems.append(RegistryProblem(file: file, line: line(k), severity: .warning, message: "unknown key `\(quoted(key))` ignored"))
                }
            }
            out.append(e)
        }
        return out
    }

    static func line(_ n: Node) -> Int { n.mark?.line ?? 0 }

    static func scalar(_ n: Node) -> (String, Int)? {
        guard let s = n.scalar?.string else { return nil }
        return (s.trimmedSpaces, line(n))
    }

    /// A list of scalars, or one scalar as a list of one.
    static func strings(_ n: Node, _ key: String, _ file: String, _ problems: inout [RegistryProblem]) -> [(String, Int)] {
        if let s = scalar(n) { return [s] }
        guard let seq = n.sequence else {
            problems.append(RegistryProblem(file: file, line: line(n), message: "`\(quoted(key))` must be a list"))
            return []
        }
        return seq.compactMap { scalar($0) }
    }

}

enum CSVRegistry {
    /// `id,operator,country,endpoint,purposes,valid_from,valid_until`, one row per
    /// endpoint (address, CIDR or hostname); rows with the same id form one entry.
    static func parse(_ text: String, file: String, problems: inout [RegistryProblem]) -> [RegistryLoader.RawEntry] {
        var out: [RegistryLoader.RawEntry] = []
        var byID: [String: Int] = [:]
        var header: [String] = []
        for (lineNo, fields) in records(text) {
            if header.isEmpty {
                header = fields.map { $0.trimmedSpaces.lowercased() }
                let expected = ["id", "operator", "country", "endpoint", "purposes", "valid_from", "valid_until"]
                if header != expected {
                    problems.append(RegistryProblem(file: file, line: lineNo, message: "CSV header must be \(expected.joined(separator: ","))"))
                    return []
                }
                continue
            }
            guard fields.count == header.count else {
                problems.append(RegistryProblem(file: file, line: lineNo, message: "expected \(header.count) fields, found \(fields.count)"))
                continue
            }
            let f = fields.map { $0.trimmedSpaces }
            let id = f[0]
            // Rows of an id already seen add to its entry in place (a copy per row made
            // loading quadratic in the rows of one id).
            let i: Int
            if let known = byID[id] { i = known } else {
                var e = RegistryLoader.RawEntry(line: lineNo)
                e.id = (id, lineNo)
                e.operatorName = (f[1], lineNo)
                e.country = (f[2], lineNo)
                e.purposes = f[4].split(separator: ";").map { (String($0).trimmedSpaces, lineNo) }
                if !f[5].isEmpty { e.validFrom = (f[5], lineNo) }
                if !f[6].isEmpty { e.validUntil = (f[6], lineNo) }
                i = out.count
                byID[id] = i
                out.append(e)
            }
            let endpoint = f[3]
            if endpoint.isEmpty {
                problems.append(RegistryProblem(file: file, line: lineNo, message: "empty endpoint"))
            } else if endpoint.first!.isNumber || endpoint.contains(":") {
                out[i].addresses.append((endpoint, lineNo))
            } else {
                out[i].hostnames.append((endpoint, lineNo))
            }
        }
        if header.isEmpty { problems.append(RegistryProblem(file: file, line: 1, message: "empty registry")) }
        return out
    }

    /// RFC 4180 records, each with the line it starts on: commas and line breaks inside
    /// double quotes, "" for a quote. Blank lines and `#` comments between records are
    /// skipped; a quote left open at the end closes there.
    static func records(_ text: String) -> [(line: Int, fields: [String])] {
        var out: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var current = String.UnicodeScalarView()
        var quoted = false
        var start = 0
        for (n, raw) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.last == "\r" ? raw.dropLast() : raw[...]
            if quoted {
                current.append("\n")
            } else {
                if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.first == "#" { continue }
                start = n + 1
                // Most rows quote nothing: split them whole rather than a scalar at a time.
                if !line.contains("\"") {
                    out.append((start, line.split(separator: ",", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }))
                    continue
                }
            }
            var chars = line[...]
            while let c = chars.popFirst() {
                if quoted {
                    if c == "\"" {
                        if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { quoted = false }
                    } else { current.append(c) }
                } else if c == "\"" {
                    quoted = true
                } else if c == "," {
                    fields.append(String(current))
                    current = String.UnicodeScalarView()
                } else {
                    current.append(c)
                }
            }
            if !quoted {
                fields.append(String(current))
                out.append((start, fields))
                fields = []
                current = String.UnicodeScalarView()
            }
        }
        if quoted { fields.append(String(current)); out.append((start, fields)) }
        return out
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (Foundation's trimming bridges
    /// through NSString: a third of a large registry's load).
    var trimmedSpaces: String {
        guard let first = firstIndex(where: { !($0.isWhitespace && !$0.isNewline) }) else { return "" }
        let last = lastIndex(where: { !($0.isWhitespace && !$0.isNewline) })!
        return String(self[first ... last])
    }
}
