import WireBytes

/// A problem in a geo source, with its file and line (or byte offset).
public struct GeoLoadError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Text geo sources, told apart line by line: CSV ranges (`first,last,cc`), CIDR CSV
/// (`cidr,cc`), tor's geoip files (`low,high,CC`, IPv4 as integers), and RIR
/// delegated(-extended) statistics (`registry|cc|ipv4|start|count|date|status`).
/// Parsed from bytes (hundreds of thousands of lines load in well under a second).
public enum TextGeoSource {
    public static func load(_ text: UnsafeRawBufferPointer, file: String, into builder: inout RangeTableBuilder) throws(GeoLoadError) {
        var lineNo = 0
        var loaded = 0
        var start = 0
        var fields: [Range<Int>] = []
        fields.reserveCapacity(12)
        while start < text.count {
            var end = start
            while end < text.count, text[end] != 0x0A { end += 1 }
            lineNo += 1
            var lineEnd = end
            if lineEnd > start, text[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            defer { start = end + 1 }
            if lineEnd == start || text[start] == 0x23 { continue }  // blank, # comment
            // Split on '|' (RIR) or ',' (CSV), trimming spaces and quotes.
            var pipe = false
            for i in start ..< lineEnd where text[i] == 0x7C { pipe = true; break }
            let sep: UInt8 = pipe ? 0x7C : 0x2C
            fields.removeAll(keepingCapacity: true)
            var fs = start
            for i in start ... lineEnd where i == lineEnd || text[i] == sep {
                var a = fs, b = i
                while a < b, text[a] == 0x20 || text[a] == 0x22 { a += 1 }
                while b > a, text[b - 1] == 0x20 || text[b - 1] == 0x22 { b -= 1 }
                fields.append(a ..< b)
                fs = i + 1
            }
            func bytes(_ r: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: text[r]) }
            func fail(_ m: String) -> GeoLoadError { GeoLoadError(file: file, line: lineNo, message: m) }

            if pipe {
                guard fields.count >= 7 else { continue }   // version and summary lines
                let type = bytes(fields[2])
                let isV4 = type.elementsEqual("ipv4".utf8), isV6 = type.elementsEqual("ipv6".utf8)
                guard isV4 || isV6, let cc = CountryCode(bytes: bytes(fields[1])) else { continue }  // '*' rows
                guard let first = parseAddress(bytes(fields[3])), let value = parseInt(bytes(fields[4])), value > 0 else {
                    throw fail("bad RIR row: address or count")
                }
                if isV4 {
                    guard first.isIPv4, UInt64(first.v4) + value - 1 <= UInt64(UInt32.max) else { throw fail("RIR ipv4 range past 255.255.255.255") }
                    builder.add(start: first, end: IPAddress(v4: UInt32(UInt64(first.v4) + value - 1)), country: cc)
                } else {
                    guard !first.isIPv4, value <= 128 else { throw fail("RIR ipv6 prefix length above 128") }
                    builder.add(start: first, end: lastAddress(first, Int(value)), country: cc)
                }
                loaded += 1
                continue
            }
            if fields.count >= 3 {
                guard let cc = CountryCode(bytes: bytes(fields[2])) else {
                    let c = bytes(fields[2])
                    // Unknown-country rows ("", "-", "ZZ") and a header row are skipped.
                    if c.isEmpty || c.elementsEqual("-".utf8) || c.elementsEqual("??".utf8) || c.elementsEqual("ZZ".utf8) || loaded == 0 { continue }
                    throw fail("country is not a two-letter code")
                }
                let a: IPAddress, b: IPAddress
                if let x = parseInt(bytes(fields[0])), let y = parseInt(bytes(fields[1])), x <= UInt64(UInt32.max), y <= UInt64(UInt32.max) {
                    a = IPAddress(v4: UInt32(x)); b = IPAddress(v4: UInt32(y))   // tor: integers
                } else if let x = parseAddress(bytes(fields[0])), let y = parseAddress(bytes(fields[1])) {
                    a = x; b = y
                } else {
                    if loaded == 0 { continue }  // header
                    throw fail("expected first,last,country")
                }
                guard a <= b, a.isIPv4 == b.isIPv4 else { throw fail("range ends before it starts, or mixes IPv4 and IPv6") }
                builder.add(start: a, end: b, country: cc)
                loaded += 1
            } else if fields.count == 2 {
                let cidr = bytes(fields[0])
                guard let slash = cidr.firstIndex(of: 0x2F), let cc = CountryCode(bytes: bytes(fields[1])) else {
                    if loaded == 0 { continue }
                    throw fail("expected cidr,country")
                }
                guard let a = parseAddress(UnsafeRawBufferPointer(rebasing: cidr[..<slash])),
                      let n = parseInt(UnsafeRawBufferPointer(rebasing: cidr[(slash + 1)...])), n <= (a.isIPv4 ? 32 : 128) else {
                    throw fail("bad CIDR prefix")
                }
                builder.add(start: a, end: lastAddress(a, a.isIPv4 ? Int(n) + 96 : Int(n)), country: cc)
                loaded += 1
            } else {
                throw fail("not a geo range line (first,last,cc / cidr,cc / RIR statistics)")
            }
        }
        if loaded == 0 { throw GeoLoadError(file: file, line: 0, message: "no address ranges found") }
    }

    /// The last address of a prefix of `length` bits in the 128-bit space.
    static func lastAddress(_ a: IPAddress, _ length: Int) -> IPAddress {
        let hostHigh: UInt64 = length >= 64 ? 0 : (length == 0 ? UInt64.max : UInt64.max >> UInt64(length))
        let hostLow: UInt64 = length >= 128 ? 0 : (length <= 64 ? UInt64.max : UInt64.max >> UInt64(length - 64))
        return IPAddress(high: a.high | hostHigh, low: a.low | hostLow)
    }

    static func parseInt(_ b: UnsafeRawBufferPointer) -> UInt64? {
        guard !b.isEmpty, b.count <= 19 else { return nil }
        var v: UInt64 = 0
        for c in b {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + UInt64(c - 0x30)
        }
        return v
    }

    static func parseAddress(_ b: UnsafeRawBufferPointer) -> IPAddress? {
        IPAddress(ascii: b)
    }
}

extension CountryCode {
    init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count == 2 else { return nil }
        let a = bytes[0] & 0xDF, b = bytes[1] & 0xDF
        guard a >= 0x41, a <= 0x5A, b >= 0x41, b <= 0x5A else { return nil }
        self.init(raw: UInt16(a) << 8 | UInt16(b))
    }
}
