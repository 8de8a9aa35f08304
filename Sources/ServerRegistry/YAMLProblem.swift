import Yams

/// A YAML error as `FILE:LINE` problems state it: Yams' own text quotes the offending
/// line, which would print part of whatever file a mistaken path named (a key file, a
/// password file), so only the problem and its place are kept.
public enum YAMLProblem {
    public static func describe(_ error: any Error) -> (problem: String, line: Int?, column: Int?) {
        switch error as? YamlError {
        case let .scanner(_, p, m, _)?, let .parser(_, p, m, _)?, let .composer(_, p, m, _)?: return (p, m.line, m.column)
        case let .reader(p, _, _, _)?: return (p, nil, nil)
        default: return ("not YAML", nil, nil)
        }
    }
}

/// A value from a file, as a problem message may quote it: at most 40 characters, with
/// controls shown as `[U+XXXX]`, so a line of an unrelated file is never echoed whole.
func quoted(_ value: String) -> String {
    var out = ""
    for (n, u) in value.unicodeScalars.enumerated() {
        if n == 40 { out += "..."; break }
        if u.value < 0x20 || (0x7F ... 0x9F).contains(u.value) {
            out += "[U+" + String(repeating: "0", count: u.value < 0x10 ? 3 : 2) + String(u.value, radix: 16, uppercase: true) + "]"
        } else {
            out.unicodeScalars.append(u)
        }
    }
    return out
}
