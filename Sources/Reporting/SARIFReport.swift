import Pipeline
import Policy
import Verdicts

/// SARIF 2.1.0: one result per finding, rule metadata, locations naming the captures.
/// Code-scanning services and IDE viewers read it as they read a linter's output.
extension ScanReport {
    static func level(_ s: Severity) -> String {
        switch s {
        case .high: return "error"
        case .medium: return "warning"
        case .low, .info: return "note"
        }
    }

    public var sarif: JSON {
        let rules: [JSON] = Rule.allCases.map { r in
            .object([
                ("id", .string(r.rawValue)),
                ("name", .string(r.rawValue.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())),
                ("shortDescription", .object([("text", .string(r.summary))])),
                ("defaultConfiguration", .object([("level", .string(ScanReport.level(r.severity)))])),
                ("properties", .object([("severity", .string(r.severity.rawValue))])),
            ])
        }
        let artifacts: [JSON] = inputs.map { .object([("location", .object([("uri", .string(uri($0.path)))]))]) }
        let results: [JSON] = result.findings.sorted.map { f in
            let names = f.hostnames.isEmpty ? "" : " (\(f.hostnames.sorted().joined(separator: ", ")))"
            let text = "\(f.rule.summary) Server \(f.server)\(names) in \(ServerNotes.countryText(f, networks[f.server], none: "an unknown country"))\(networks[f.server]?.asText.map { ", run by " + $0 } ?? ""): \(f.flows) flows from \(f.deviceCount) devices, \(f.bytes) bytes."
                + (f.evidenceTexts.isEmpty ? "" : " Evidence: \(f.evidenceTexts.joined(separator: "; ")).")
            let locations: [JSON] = f.inputs.sorted().compactMap { i in
                position(ofInput: i).map { at in
                    .object([("physicalLocation", .object([
                        ("artifactLocation", .object([("uri", .string(uri(inputs[at].path))), ("index", .int(at))])),
                    ]))])
                }
            }
            var props = json(f)
            if case let .object(m) = props { props = .object(m.filter { $0.0 != "rule" && $0.0 != "baselineState" }) }
            return .object([
                ("ruleId", .string(f.rule.rawValue)),
                ("ruleIndex", .int(Rule.allCases.firstIndex(of: f.rule)!)),
                ("level", .string(ScanReport.level(f.severity))),
                ("message", .object([("text", .string(text))])),
                ("locations", .array(locations)),
                ("partialFingerprints", .object([("borderflow/v1", .string(ScanReport.fingerprint(f)))])),
            ] + (baselineState(f).map { [("baselineState", JSON.string($0.rawValue))] } ?? []) + [
                ("properties", props),
            ])
        } + absentFindings.map { e in
            // Findings of the baseline no longer seen, as SARIF baselines show them.
            let rule = Rule(rawValue: e.rule)
            return .object([
                ("ruleId", .string(e.rule)),
                ("ruleIndex", .int(rule.flatMap { Rule.allCases.firstIndex(of: $0) } ?? 0)),
                ("level", .string(rule.map { ScanReport.level($0.severity) } ?? "note")),
                ("message", .object([("text", .string("No longer seen: \(e.rule) for server \(e.server)\(e.country.map { " in " + $0 } ?? "") (in the baseline \(baseline?.path ?? "")).")) ])),
                ("partialFingerprints", .object([("borderflow/v1", .string(e.fingerprint))])),
                ("baselineState", .string("absent")),
                ("properties", .object([("severity", .string(e.severity)),
                                        ("server", .object([("ip", .string(e.server)), ("country", .optional(e.country))]))])),
            ])
        }
        return .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([.object([
                ("tool", .object([("driver", .object([
                    ("name", .string("borderflow")),
                    ("version", .string(version)),
                    ("semanticVersion", .string(version)),
                    ("rules", .array(rules)),
                ]))])),
                ("artifacts", .array(artifacts)),
                ("results", .array(results)),
                ("properties", .object([("home", .array(home.map(JSON.string)))] + limitsReachedJSON)),
            ])])),
        ])
    }

    /// A relative path as a relative reference, an absolute one as a file: URI (SARIF
    /// wants URIs): every byte but letters, digits, `-._~` and `/` percent-encoded
    /// (RFC 3986), so `%`, `#`, `?`, spaces and a `:` that would read as a scheme stay
    /// part of the path.
    func uri(_ path: String) -> String {
        var out = path.hasPrefix("/") ? "file://" : ""
        for b in path.utf8 {
            switch b {
            case UInt8(ascii: "a") ... UInt8(ascii: "z"), UInt8(ascii: "A") ... UInt8(ascii: "Z"), UInt8(ascii: "0") ... UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out += "%"
                out.unicodeScalars.append(hex[Int(b >> 4)])
                out.unicodeScalars.append(hex[Int(b & 15)])
            }
        }
        return out
    }
}
