/// A registry file's bytes, read in place: lines, fields and strings made only of
/// the bytes a value needs. A large registry is hundreds of thousands of short
/// values; walking them as `Character`s (grapheme breaking) was most of its load.
struct RegistryBytes {
    let bytes: UnsafeRawBufferPointer

    /// Whether the bytes are UTF-8 (checked once, so that values can be made with
    /// `String(decoding:)` without a repair step changing them).
    static func isUTF8(_ b: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c < 0x80 { i += 1; continue }
            let length: Int, low: UInt8, high: UInt8
            switch c {
            case 0xC2 ... 0xDF: (length, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
            case 0xE1 ... 0xEC, 0xEE ... 0xEF: (length, low, high) = (3, 0x80, 0xBF)
            case 0xED: (length, low, high) = (3, 0x80, 0x9F)
            case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
            case 0xF1 ... 0xF3: (length, low, high) = (4, 0x80, 0xBF)
            case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
            default: return false
            }
            guard i + length <= n, b[i + 1] >= low, b[i + 1] <= high else { return false }
            for k in 2 ..< length where b[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }

    /// Calls `body` with each line (without its LF and a CR before it) and its number
    /// from 1; stops when `body` returns false.
    func forEachLine(_ body: (Range<Int>, Int) -> Bool) {
        var start = 0, number = 1
        let n = bytes.count
        while start <= n {
            var end = start
            while end < n, bytes[end] != 0x0A { end += 1 }
            if start == n, end == n { return }   // no empty line after a final LF
            var content = end
            if content > start, bytes[content - 1] == 0x0D { content -= 1 }
            if !body(start ..< content, number) { return }
            start = end + 1
            number += 1
        }
    }

    /// The range without leading and trailing spaces and tabs.
    func trimmed(_ r: Range<Int>) -> Range<Int> {
        var lo = r.lowerBound, hi = r.upperBound
        while lo < hi, bytes[lo] == 0x20 || bytes[lo] == 0x09 { lo += 1 }
        while hi > lo, bytes[hi - 1] == 0x20 || bytes[hi - 1] == 0x09 { hi -= 1 }
        return lo ..< hi
    }

    func string(_ r: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: bytes[r]), as: UTF8.self)
    }

    /// The value of a field, trimmed as `trimmedSpaces` trims: by bytes when both
    /// ends are ASCII, else through `String` (other Unicode spaces count too).
    func trimmedString(_ r: Range<Int>) -> String {
        let t = trimmed(r)
        if t.isEmpty { return "" }
        if bytes[t.lowerBound] < 0x80, bytes[t.upperBound - 1] < 0x80 { return string(t) }
        return string(r).trimmedSpaces
    }

    func starts(with prefix: StaticString, at offset: Int, before end: Int) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard offset + n <= end else { return false }
        let p = prefix.utf8Start
        for k in 0 ..< n where bytes[offset + k] != p[k] { return false }
        return true
    }
}

/// One string per distinct value: operators and purposes repeat across thousands of
/// entries, and a shared string is one allocation instead of thousands.
struct StringPool {
    private var pool: Set<String> = []

    mutating func intern(_ s: String) -> String {
        if s.utf8.count <= 15 { return s }   // small strings live inline: nothing to share
        if let known = pool.firstIndex(of: s) { return pool[known] }
        pool.insert(s)
        return s
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
