import Foundation
import Verdicts
import WireBytes
import Yams

/// Reads a registry file (YAML or CSV, told apart by content) and validates every
/// entry, collecting every problem with its line rather than stopping at the first.
public enum RegistryLoader {
    public static func load(path: String) -> (Registry, [RegistryProblem]) {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch {
            return (Registry(entries: []), [RegistryProblem(file: path, line: 0, message: "cannot read the registry file")])
        }
        // The file's pages are let go once its values are read: they are copies by then.
        return withExtendedLifetime(file) { load(bytes: file.bytes, file: path) { file.dropPages(0 ..< file.bytes.count) } }
    }

    /// `fullParser`: YAML through the full parser even where the flat reader would do
    /// (to compare the two).
    public static func load(text: String, file: String, fullParser: Bool = false) -> (Registry, [RegistryProblem]) {
        var text = text
        return text.withUTF8 { load(bytes: UnsafeRawBufferPointer($0), file: file, fullParser: fullParser) }
    }

    /// The largest registry read: far above any real one (400,000 entries are ~100 MB),
    /// so that a wrong path to a huge file is refused instead of filling memory.
    public static let maxBytes = 1 << 30

    /// `parsed` is called when the bytes are no longer read.
    static func load(bytes: UnsafeRawBufferPointer, file: String, fullParser: Bool = false,
                     parsed: () -> Void = {}) -> (Registry, [RegistryProblem]) {
        guard bytes.count <= maxBytes else {
            return (Registry(entries: []), [RegistryProblem(file: file, line: 0, message: "the registry file is larger than 1 GiB: not a registry")])
        }
        guard RegistryBytes.isUTF8(bytes) else {
            return (Registry(entries: []), [RegistryProblem(file: file, line: 0, message: "the registry file is not UTF-8 text")])
        }
        let text = RegistryBytes(bytes: bytes)
        var entries: [RawEntry]
        var problems: [RegistryProblem] = []
        if isCSV(text) {
            entries = CSVRegistry.parse(text, file: file, problems: &problems)
        } else if !fullParser, let flat = FlatYAMLRegistry.parse(text, file: file, problems: &problems) {
            entries = flat
        } else {
            // Beyond the flat layout registries are written in (anchors, block scalars,
            // flow mappings, ...): the full YAML parser, with its errors.
            entries = YAMLRegistry.parse(text.string(0 ..< bytes.count), file: file, problems: &problems)
        }
        parsed()
        let valid = validate(&entries, file: file, problems: &problems)
        return (Registry(entries: valid), problems)
    }

    /// CSV when the first line that counts (not blank, not a `#` comment) starts with
    /// `id,operator,` (any case, spaces ignored).
    static func isCSV(_ text: RegistryBytes) -> Bool {
        var csv = false
        text.forEachLine { line, _ in
            let b = text.bytes
            if text.trimmed(line).isEmpty || b[line.lowerBound] == UInt8(ascii: "#") { return true }
            var prefix: [UInt8] = []
            for k in line where b[k] != 0x20 {
                prefix.append(b[k] | (b[k] >= 0x41 && b[k] <= 0x5A ? 0x20 : 0))
                if prefix.count == 12 { break }
            }
            csv = prefix == Array("id,operator,".utf8)
            return false
        }
        return csv
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
        /// `draft: true`: written by `registry draft`, waiting for a person.
        var draft: (String, Int)?
    }

    /// Empties `raw` as it goes: each entry read is let go once validated, so the two
    /// forms of a large registry are not held whole at once.
    static func validate(_ raw: inout [RawEntry], file: String, problems: inout [RegistryProblem]) -> [RegistryEntry] {
        var out: [RegistryEntry] = []
        out.reserveCapacity(raw.count)
        var seenIDs: [String: Int] = [:]
        var seenAddresses: [AddressPrefix: String] = [:]
        var seenHostnames: [HostnamePattern: String] = [:]
        for k in raw.indices {
            let r = raw[k]
            raw[k] = RawEntry(line: 0)
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
            var purposes: [PayloadCategory] = []
            for (p, line) in r.purposes {
                if let c = PayloadCategory(name: p) { purposes.append(c) } else {
                    fail(line, "unknown purpose `\(quoted(p))`; purposes are: \(PayloadCategory.purposeNames)")
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
            var inForce = true
            if let (d, line) = r.draft {
                switch d.lowercased() {
                case "true", "yes":
                    inForce = false
                    problems.append(RegistryProblem(file: file, line: line, severity: .warning, message:
                        "entry \(quoted(id)) is a draft: review it, set valid_from and valid_until, then remove `draft: true` (until then it is not in force and its servers stay unregistered)"))
                case "false", "no": break
                default: fail(line, "draft `\(quoted(d))` is not true or false")
                }
            }
            if ok, inForce {
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
                case "draft": e.draft = scalar(v)
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
