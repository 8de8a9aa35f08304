import WireBytes

/// Something wrong with an input, kept with where it happened. Repeats of the same
/// problem are counted, not listed one by one.
public struct CaptureProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case warning, error }
    public var severity: Severity
    public var error: WireError
    /// A short explanation beyond the error itself (what was done about it).
    public var note: StaticString
    public var count: Int
    /// Whether offsets count bytes of the decompressed stream rather than the file.
    public var decompressedOffset: Bool

    public init(severity: Severity, error: WireError, note: StaticString = "", count: Int = 1, decompressedOffset: Bool = false) {
        self.severity = severity
        self.error = error
        self.note = note
        self.count = count
        self.decompressedOffset = decompressedOffset
    }

    public static func == (a: CaptureProblem, b: CaptureProblem) -> Bool {
        a.severity == b.severity && a.error == b.error && a.count == b.count
            && a.note.description == b.note.description
    }

    /// Adds `p` to `list`: a repeat (same severity, layer and kind) adds its count to
    /// the first one, which keeps its offset; anything else is listed.
    public static func note(_ p: CaptureProblem, in list: inout [CaptureProblem]) {
        for i in list.indices where list[i].severity == p.severity
            && list[i].error.layer == p.error.layer && list[i].error.kind == p.error.kind {
            list[i].count += p.count
            return
        }
        list.append(p)
    }

    public var description: String {
        var s = error.description
        if decompressedOffset { s = s.replacingOccurrences(of: " at byte ", with: " at decompressed byte ") }
        if note.utf8CodeUnitCount > 0 { s += " (\(note))" }
        if count > 1 { s += " [\(count) times, first shown]" }
        return s
    }
}

extension String {
    /// Foundation-free replacement for the one substitution reporting needs.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            var j = i, k = 0
            while k < t.count, j != u.endIndex, u[j] == t[k] { j = u.index(after: j); k += 1 }
            if k == t.count { return i ..< j }
            i = u.index(after: i)
        }
        return nil
    }
}

/// Why an input could not be opened as a capture at all.
public enum CaptureOpenError: Error, Sendable, CustomStringConvertible {
    case io(String)
    case empty
    case notACapture(magic: UInt32)
    case legacyLZ4
    case tooDeeplyWrapped
    case wire(WireError)

    public var description: String {
        switch self {
        case let .io(message): return message
        case .empty: return "empty file: no capture header"
        case let .notACapture(magic):
            let hex = String(magic.byteSwapped, radix: 16)
            return "not a capture: unrecognised magic number 0x\(String(repeating: "0", count: max(0, 8 - hex.count)))\(hex) at byte 0 (expected pcap, pcapng, LZ4 frame, gzip or zstd)"
        case .legacyLZ4:
            return "legacy LZ4 format (magic 0x02214c18 at byte 0) is not supported: recompress with `lz4 -d FILE | lz4 -z` to get the LZ4 frame format"
        case .tooDeeplyWrapped:
            return "more than \(CaptureLimits.maxWrappingDepth) compression layers"
        case let .wire(e): return e.description
        }
    }
}
