import ServerRegistry

/// A catalogue hostname pattern, matched label by label against a whole name: a leading
/// `*.` stands for one or more labels, a `*` label anywhere else for exactly one
/// (`*.iot.*.amazonaws.com`). No wildcard inside a label: `s3-*` is refused.
public struct ServiceHostPattern: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    /// Labels right to left, without a leading `*.`; an empty label is a one-label `*`.
    let labels: [[UInt8]]
    /// The pattern begins with `*.`: the name needs at least one label more.
    let deeper: Bool
    /// The labels right of the rightmost `*`, as text: the key the catalogue indexes by.
    let fixedTail: String
    /// Labels that are not `*`: the more, the more specific the pattern.
    let fixedLabels: Int

    /// Patterns need this many fixed labels at the right, so that no entry can claim a
    /// whole top-level domain (`*.com`) or a shared zone by one label.
    public static let minimumFixedLabels = 2

    public enum Problem: Error, Equatable {
        case invalid, partialWildcard, tooBroad
    }

    public static func parse(_ raw: String) -> Result<ServiceHostPattern, Problem> {
        var t = raw.lowercased()
        if t.hasSuffix(".") { t.removeLast() }
        var deeper = false
        if t.hasPrefix("*.") { deeper = true; t.removeFirst(2) }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, t.utf8.count <= 253 else { return .failure(.invalid) }
        var fixed = 0, tail: [Substring] = [], sawWildcard = false
        for label in parts.reversed() {
            if label == "*" { sawWildcard = true; continue }
            if label.contains("*") { return .failure(.partialWildcard) }
            guard HostnamePattern.isValidName(String(label)) else { return .failure(.invalid) }
            if !sawWildcard { fixed += 1; tail.insert(label, at: 0) }
        }
        guard fixed >= minimumFixedLabels else { return .failure(.tooBroad) }
        return .success(ServiceHostPattern(text: (deeper ? "*." : "") + t,
                                           labels: parts.reversed().map { $0 == "*" ? [] : Array($0.utf8) },
                                           deeper: deeper, fixedTail: tail.joined(separator: "."),
                                           fixedLabels: parts.filter { $0 != "*" }.count))
    }


    /// Whether `name` (lower-case, no final dot) matches, read in place.
    public func matches(_ name: String) -> Bool {
        var n = name
        return n.withUTF8 { matches(bytes: $0) }
    }

    func matches(bytes name: UnsafeBufferPointer<UInt8>) -> Bool {
        var end = name.count
        for label in labels {
            guard end > 0 else { return false }
            var start = end
            while start > 0, name[start - 1] != 0x2E { start -= 1 }
            let length = end - start
            if label.isEmpty {
                if length == 0 { return false }
            } else {
                guard length == label.count else { return false }
                for i in 0 ..< length where name[start + i] != label[i] { return false }
            }
            // Step over the dot before this label (none at the start of the name).
            end = start == 0 ? -1 : start - 1
        }
        // Every label of the pattern is used: the name must end here, or go deeper for `*.`.
        return deeper ? end > 0 : end == -1
    }

    public var description: String { text }
}
