import ServerRegistry
import Verdicts
import WireBytes
import Yams

/// Reads services catalogue files: YAML with a `services:` list. Problems are
/// `FILE:LINE: error|warning: message` like the registry's; an entry with an error is
/// left out, warnings keep it.
public enum ServiceCatalogueLoader {
    /// The catalogue shipped with borderflow (`Sources/Services/services.yaml`, in the binary).
    public static func builtIn() -> [Service] {
        let (entries, problems) = parseBuiltIn()
        // The shipped file is checked by the tests; a problem here is a build defect.
        precondition(problems.allSatisfy { $0.severity == .warning }, "built-in services catalogue: \(problems)")
        return entries
    }

    public static let builtInName = "built-in"

    /// The shipped catalogue's entries and problems (the tests require none).
    public static func parseBuiltIn() -> (entries: [Service], problems: [RegistryProblem]) {
        parse(String(decoding: PackageResources.services_yaml, as: UTF8.self), file: builtInName)
    }

    /// A user's catalogue file: its entries and problems (an unreadable file is one error).
    public static func load(path: String) -> (entries: [Service], problems: [RegistryProblem]) {
        guard let mapped = try? MappedFile(path: path) else {
            return ([], [RegistryProblem(file: path, line: 0, message: "cannot read the file (does it exist, and may borderflow read it?)")])
        }
        let text = String(decoding: mapped.bytes, as: UTF8.self)
        return parse(text, file: path)
    }

    public static func parse(_ text: String, file: String) -> (entries: [Service], problems: [RegistryProblem]) {
        var problems: [RegistryProblem] = []
        func problem(_ line: Int, _ message: String, _ severity: RegistryProblem.Severity = .error) {
            problems.append(RegistryProblem(file: file, line: line, severity: severity, message: message))
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch {
            let (what, line, _) = YAMLProblem.describe(error)
            problem(line ?? 0, "not valid YAML: \(what)")
            return ([], problems)
        }
        guard let map = root?.mapping, let list = map["services"] else {
            problem(1, "expected a mapping with a `services:` list")
            return ([], problems)
        }
        guard let items = list.sequence else {
            problem(line(list), "`services` must be a list of entries")
            return ([], problems)
        }
        var out: [Service] = []
        var seen: [String: Int] = [:]
        var patternOwner: [String: String] = [:]
        for item in items {
            let at = line(item)
            guard let m = item.mapping else { problem(at, "each service must be a mapping (id, name, category, hosts ...)"); continue }
            var id: String?, name: String?, op = "", category: PayloadCategory?, source: String?
            var hosts: [ServiceHostPattern] = [], ports: [UInt16] = [], ok = true, hostsGiven = false
            for (k, v) in m {
                guard let key = k.string else { continue }
                let s = v.scalar?.string.trimmedSpaces
                switch key {
                case "id":
                    guard let s, !s.isEmpty, s.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) else {
                        problem(line(v), "`id` must be lower-case letters, digits and hyphens"); ok = false; continue
                    }
                    id = s
                case "name": name = s
                case "operator": op = s ?? ""
                case "source": source = s
                case "category":
                    guard let s, let c = PayloadCategory(name: s), c != .unknown else {
                        let names = PayloadCategory.allCases.filter { $0 != .unknown }.map(\.name).joined(separator: ", ")
                        problem(line(v), "`category` `\(visible(s ?? ""))` is not one of \(names)"); ok = false; continue
                    }
                    category = c
                case "hosts":
                    hostsGiven = true
                    for (text, l) in strings(v) {
                        switch ServiceHostPattern.parse(text) {
                        case .success(let p): hosts.append(p)
                        case .failure(.partialWildcard):
                            problem(l, "host pattern `\(visible(text))`: `*` must be a whole label (`*.example.com`, `a.*.example.com`)"); ok = false
                        case .failure(.tooBroad):
                            problem(l, "host pattern `\(visible(text))` is too broad: it needs \(ServiceHostPattern.minimumFixedLabels) fixed labels at the right"); ok = false
                        case .failure(.invalid):
                            problem(l, "host pattern `\(visible(text))` is not a hostname (labels of a-z 0-9 - _, at most 253 characters)"); ok = false
                        }
                    }
                    if v.scalar == nil && v.sequence == nil { problem(line(v), "`hosts` must be a list"); ok = false }
                case "ports":
                    for (text, l) in strings(v) {
                        guard let p = UInt16(text), p > 0 else { problem(l, "port `\(visible(text))` is not 1-65535"); ok = false; continue }
                        ports.append(p)
                    }
                default:
                    problem(line(k), "unknown key `\(visible(key))` ignored", .warning)
                }
            }
            guard ok else { continue }
            guard let id else { problem(at, "entry without `id`"); continue }
            if let first = seen[id] { problem(at, "id `\(id)` is used twice (first on line \(first))"); continue }
            guard let category else { problem(at, "`\(id)`: no `category`"); continue }
            guard hostsGiven, !hosts.isEmpty else { problem(at, "`\(id)`: no `hosts`: a service is known by its servers' names"); continue }
            if source?.isEmpty ?? true { problem(at, "`\(id)`: no `source` saying where its host patterns come from", .warning) }
            for h in hosts {
                if let other = patternOwner[h.text], other != id {
                    problem(at, "`\(id)`: host pattern `\(h.text)` is also listed by `\(other)`; the earlier entry wins", .warning)
                } else {
                    patternOwner[h.text] = id
                }
            }
            seen[id] = at
            out.append(Service(id: id, name: name ?? id, operatorName: op, category: category, hosts: hosts, ports: ports,
                               source: source ?? "", file: file, line: at))
        }
        return (out, problems)
    }

    static func line(_ n: Node) -> Int { n.mark?.line ?? 0 }

    /// A list of scalars (or one scalar) with their lines.
    static func strings(_ n: Node) -> [(String, Int)] {
        if let s = n.scalar?.string { return [(s.trimmedSpaces, line(n))] }
        return n.sequence?.compactMap { e in e.scalar.map { ($0.string.trimmedSpaces, line(e)) } } ?? []
    }

    /// At most 40 characters of a value, controls shown as `[U+XXXX]`.
    static func visible(_ value: String) -> String {
        var out = ""
        for (n, u) in value.unicodeScalars.enumerated() {
            if n == 40 { out += "..."; break }
            out += u.value < 0x20 || (0x7F ... 0x9F).contains(u.value) ? "[U+\(String(u.value, radix: 16, uppercase: true))]" : String(u)
        }
        return out
    }
}

extension String {
    fileprivate var trimmedSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
