import WireBytes

/// A MaxMind DB file (GeoLite2, DB-IP lite, IPinfo lite ...), read in place from its
/// mapping: metadata, the binary search tree (24-, 28- or 32-bit records) and the data
/// section, decoded lazily to just the keys a country needs. Every offset and length is
/// checked; pointer chains and nesting have hard limits, so a corrupt or cyclic file
/// ends in an error, never a crash or a hang.
public struct MaxMindDB: Sendable {
    public let file: MappedFile
    public let nodeCount: Int
    public let recordSize: Int
    public let ipVersion: Int
    public let databaseType: String
    public let buildEpoch: UInt64
    let treeSize: Int
    let dataStart: Int
    let dataEnd: Int

    public enum Limits {
        public static let maxPointerHops = 32
        public static let maxDepth = 64
        public static let metadataSearch = 128 * 1024
    }

    static let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)

    public init(file: MappedFile) throws(GeoLoadError) {
        self.file = file
        let b = file.bytes
        func fail(_ m: String, _ at: Int = 0) -> GeoLoadError { GeoLoadError(file: file.path, line: 0, message: at > 0 ? "\(m) (at byte \(at))" : m) }
        // The metadata follows the last marker in the file.
        var m = -1
        var i = b.count - MaxMindDB.marker.count
        let floor = max(0, b.count - Limits.metadataSearch)
        while i >= floor {
            if b[i] == 0xAB, (0 ..< MaxMindDB.marker.count).allSatisfy({ b[i + $0] == MaxMindDB.marker[$0] }) { m = i; break }
            i -= 1
        }
        guard m >= 0 else { throw fail("not a MaxMind DB: no metadata marker in the last 128 KiB") }
        let metaStart = m + MaxMindDB.marker.count
        let decoder = DataDecoder(bytes: b, base: metaStart, end: b.count)
        guard case let .map(count, entries)? = try? decoder.header(at: metaStart) else { throw fail("metadata is not a map", metaStart) }
        var nodes: UInt64?, record: UInt64?, version: UInt64?, type = "", epoch: UInt64 = 0
        var offset = entries
        for _ in 0 ..< count {
            guard let (key, valueAt) = try? decoder.string(at: offset), let next = try? decoder.skip(valueAt) else {
                throw fail("metadata map is corrupt", offset)
            }
            switch key {
            case "node_count": nodes = try? decoder.unsigned(at: valueAt)
            case "record_size": record = try? decoder.unsigned(at: valueAt)
            case "ip_version": version = try? decoder.unsigned(at: valueAt)
            case "database_type": type = (try? decoder.string(at: valueAt).0) ?? ""
            case "build_epoch": epoch = (try? decoder.unsigned(at: valueAt)) ?? 0
            default: break
            }
            offset = next
        }
        guard let nodes, let record, let version else { throw fail("metadata lacks node_count, record_size or ip_version") }
        guard record == 24 || record == 28 || record == 32 else { throw fail("record_size \(record) is not 24, 28 or 32") }
        guard version == 4 || version == 6 else { throw fail("ip_version \(version) is not 4 or 6") }
        let tree = Int(record) * 2 / 8 * Int(clamping: nodes)
        guard nodes > 0, nodes < UInt64(Int32.max), tree + 16 <= m else { throw fail("node_count \(nodes) does not fit the file") }
        nodeCount = Int(nodes)
        recordSize = Int(record)
        ipVersion = Int(version)
        databaseType = type
        buildEpoch = epoch
        treeSize = tree
        dataStart = tree + 16
        dataEnd = m
    }

    /// The two records of a node.
    @inline(__always)
    func records(_ node: Int) -> (Int, Int) {
        let b = file.bytes
        switch recordSize {
        case 24:
            let o = node * 6
            return (Int(b[o]) << 16 | Int(b[o + 1]) << 8 | Int(b[o + 2]), Int(b[o + 3]) << 16 | Int(b[o + 4]) << 8 | Int(b[o + 5]))
        case 28:
            let o = node * 7
            let mid = Int(b[o + 3])
            return ((mid >> 4) << 24 | Int(b[o]) << 16 | Int(b[o + 1]) << 8 | Int(b[o + 2]),
                    (mid & 0x0F) << 24 | Int(b[o + 4]) << 16 | Int(b[o + 5]) << 8 | Int(b[o + 6]))
        default:
            let o = node * 8
            return (Int(b.u32be(o)), Int(b.u32be(o + 4)))
        }
    }

    /// The data record for one address and the prefix length it was found at, or nil
    /// when the tree holds nothing for it. IPv4 is looked up at `::a.b.c.d` in an IPv6 tree.
    public func leaf(for address: IPAddress) -> (data: Int, prefix: Int)? {
        let v4 = address.isIPv4
        if ipVersion == 4, !v4 { return nil }
        let skipped = ipVersion == 6 && v4 ? 96 : 0
        let total = ipVersion == 4 ? 32 : 128
        var node = 0
        for depth in 0 ..< total {
            let bit: UInt64
            if ipVersion == 4 { bit = UInt64(address.v4 >> UInt32(31 - depth)) & 1 } else if v4 {
                bit = depth < 96 ? 0 : UInt64(address.v4 >> UInt32(127 - depth)) & 1
            } else {
                bit = depth < 64 ? (address.high >> UInt64(63 - depth)) & 1 : (address.low >> UInt64(127 - depth)) & 1
            }
            let (left, right) = records(node)
            let record = bit == 0 ? left : right
            if record == nodeCount { return nil }
            if record > nodeCount {
                let data = record - nodeCount - 16
                guard data >= 0, dataStart + data < dataEnd else { return nil }
                return (data, depth + 1 - skipped)
            }
            node = record
        }
        return nil
    }

    /// A string at a key path of a data record found by `leaf(for:)`, or nil.
    public func string(_ path: [String], atData offset: Int) -> String? {
        try? DataDecoder(bytes: file.bytes, base: dataStart, end: dataEnd).find(path, at: dataStart + offset)
    }

    /// An unsigned integer at a key path of a data record found by `leaf(for:)`, or nil.
    public func unsigned(_ path: [String], atData offset: Int) -> UInt64? {
        (try? DataDecoder(bytes: file.bytes, base: dataStart, end: dataEnd).findUnsigned(path, at: dataStart + offset)) ?? nil
    }

    /// Every leaf of the search tree as (first, last, country), IPv4 ranges in the
    /// v4-mapped form borderflow uses; for compiling into a `RangeTable`.
    public func ranges(into builder: inout RangeTableBuilder) throws(GeoLoadError) {
        var countries: [Int: CountryCode?] = [:]
        let bits = ipVersion == 6 ? 128 : 32
        // Depth-first over (node, prefix bits, depth).
        var stack: [(node: Int, high: UInt64, low: UInt64, depth: Int)] = [(0, 0, 0, 0)]
        var visited = 0
        while let (node, high, low, depth) = stack.popLast() {
            visited += 1
            guard visited <= nodeCount * 4 + 16 else { throw GeoLoadError(file: file.path, line: 0, message: "search tree revisits nodes (corrupt)") }
            guard depth < bits else { throw GeoLoadError(file: file.path, line: 0, message: "search tree deeper than the address size") }
            let (left, right) = records(node)
            for (bit, record) in [(UInt64(1), right), (UInt64(0), left)] {
                var h = high, l = low
                let pos = depth  // bit index from the top
                if bit == 1 {
                    if bits == 128 { if pos < 64 { h |= 1 << UInt64(63 - pos) } else { l |= 1 << UInt64(127 - pos) } } else { l |= 1 << UInt64(31 - pos) }
                }
                if record == nodeCount { continue }           // no data
                // ::ffff:0:0/96 aliases the IPv4 subtree already reached through ::/96.
                if bits == 128, depth + 1 == 96, h == 0, l >> 32 == 0xFFFF { continue }
                if record < nodeCount { stack.append((record, h, l, depth + 1)); continue }
                // A leaf: the data for every address under this prefix.
                let dataOffset = record - nodeCount - 16
                let code: CountryCode?
                if let cached = countries[dataOffset] { code = cached } else {
                    code = try country(atData: dataOffset)
                    countries[dataOffset] = code
                }
                guard let code else { continue }
                let prefix = depth + 1
                if bits == 32 {
                    let start = UInt32(truncatingIfNeeded: l)
                    let end = prefix == 32 ? start : start | (UInt32.max >> UInt32(prefix))
                    builder.add(start: IPAddress(v4: start), end: IPAddress(v4: end), country: code)
                } else {
                    let startV6 = IPAddress(high: h, low: l)
                    let endV6 = TextGeoSource.lastAddress(startV6, prefix)
                    // IPv4 lives at ::/96 (and its alias ::ffff:0:0/96): keep it as IPv4.
                    if h == 0, endV6.high == 0, (l >> 32 == 0 && endV6.low >> 32 == 0) || (l >> 32 == 0xFFFF && endV6.low >> 32 == 0xFFFF) {
                        builder.add(start: IPAddress(v4: UInt32(truncatingIfNeeded: l)), end: IPAddress(v4: UInt32(truncatingIfNeeded: endV6.low)), country: code)
                    } else if !(h == 0 && l >> 32 == 0 && prefix <= 96) && !(h == 0 && l >> 32 == 0xFFFF && prefix <= 96) {
                        builder.add(start: startV6, end: endV6, country: code)
                    } else {
                        // A prefix covering all of ::/96 (or wider, reaching into both): split it.
                        if prefix <= 96 {
                            builder.add(start: IPAddress(v4: 0), end: IPAddress(v4: UInt32.max), country: code)
                            if startV6 < IPAddress(high: 0, low: 1 << 32) { builder.add(start: IPAddress(high: 0, low: 1 << 32), end: endV6, country: code) }
                        }
                    }
                }
            }
        }
    }

    /// `country.iso_code`, else `registered_country.iso_code`, else a flat `country_code`.
    func country(atData offset: Int) throws(GeoLoadError) -> CountryCode? {
        let d = DataDecoder(bytes: file.bytes, base: dataStart, end: dataEnd)
        let at = dataStart + offset
        guard at >= dataStart, at < dataEnd else {
            throw GeoLoadError(file: file.path, line: 0, message: "search tree points past the data section (at data offset \(offset))")
        }
        do {
            if let c = try d.find(["country", "iso_code"], at: at), let code = CountryCode(c) { return code }
            if let c = try d.find(["registered_country", "iso_code"], at: at), let code = CountryCode(c) { return code }
            if let c = try d.find(["country_code"], at: at), let code = CountryCode(c) { return code }
            return nil
        } catch {
            throw GeoLoadError(file: file.path, line: 0, message: "data section: \(error.reason) (at byte \(error.offset))")
        }
    }
}

/// The MaxMind DB data-section format: a control byte (type, size), extended types,
/// pointers relative to the section's start. Decodes in place, bounded.
struct DataDecoder {
    struct Failure: Error { var reason: String; var offset: Int }

    enum Header {
        case pointer(Int)
        case string(Int, Int)          // start, length
        case map(Int, Int)             // count, first entry offset
        case array(Int, Int)
        case scalar(type: Int, start: Int, length: Int)
    }

    let bytes: UnsafeRawBufferPointer
    let base: Int
    let end: Int

    func fail(_ r: String, _ o: Int) -> Failure { Failure(reason: r, offset: o) }

    /// Reads the control byte(s) at `o`.
    func header(at o: Int) throws(Failure) -> Header {
        guard o >= 0, o < end else { throw fail("offset past the end", o) }
        let control = Int(bytes[o])
        var type = control >> 5
        var p = o + 1
        if type == 1 {
            let ss = (control >> 3) & 3, vvv = control & 7
            guard p + ss + 1 <= end else { throw fail("pointer runs past the end", o) }
            var v: Int
            switch ss {
            case 0: v = vvv << 8 | Int(bytes[p])
            case 1: v = (vvv << 16 | Int(bytes[p]) << 8 | Int(bytes[p + 1])) + 2048
            case 2: v = (vvv << 24 | Int(bytes[p]) << 16 | Int(bytes[p + 1]) << 8 | Int(bytes[p + 2])) + 526_336
            default: v = Int(bytes[p]) << 24 | Int(bytes[p + 1]) << 16 | Int(bytes[p + 2]) << 8 | Int(bytes[p + 3])
            }
            return .pointer(base + v)
        }
        if type == 0 {
            guard p < end else { throw fail("extended type runs past the end", o) }
            type = 7 + Int(bytes[p])
            p += 1
            guard type > 7, type <= 15 else { throw fail("unknown extended type \(type)", o) }
        }
        var size = control & 0x1F
        if size >= 29 {
            let extra = size - 28
            guard p + extra <= end else { throw fail("size runs past the end", o) }
            switch size {
            case 29: size = 29 + Int(bytes[p])
            case 30: size = 285 + (Int(bytes[p]) << 8 | Int(bytes[p + 1]))
            default: size = 65_821 + (Int(bytes[p]) << 16 | Int(bytes[p + 1]) << 8 | Int(bytes[p + 2]))
            }
            p += extra
        }
        switch type {
        case 2:
            guard size <= end - p else { throw fail("string runs past the end", o) }
            return .string(p, size)
        case 7: return .map(size, p)
        case 11: return .array(size, p)
        case 14: return .scalar(type: 14, start: p, length: 0)   // boolean: the size is the value
        case 12, 13: return .scalar(type: type, start: p, length: 0)
        default:
            let fixed: [Int: Int] = [3: 8, 15: 4]
            if let f = fixed[type], size != f { throw fail("type \(type) with size \(size)", o) }
            guard size <= end - p else { throw fail("value runs past the end", o) }
            return .scalar(type: type, start: p, length: size)
        }
    }

    /// Follows pointers (bounded) to the value they name.
    func resolve(_ o: Int) throws(Failure) -> (Header, Int) {
        var at = o
        for _ in 0 ..< MaxMindDB.Limits.maxPointerHops {
            let h = try header(at: at)
            if case let .pointer(target) = h { at = target; continue }
            return (h, at)
        }
        throw fail("pointer chain too long (cyclic data?)", o)
    }

    /// The string at `o` (through pointers) and the offset after the (unresolved) value.
    func string(at o: Int) throws(Failure) -> (String, Int) {
        let (h, _) = try resolve(o)
        guard case let .string(start, length) = h else { throw fail("expected a string", o) }
        return (String(decoding: bytes.view(start, length), as: UTF8.self), try skip(o))
    }

    func unsigned(at o: Int) throws(Failure) -> UInt64 {
        let (h, _) = try resolve(o)
        guard case let .scalar(type, start, length) = h, [5, 6, 9, 10].contains(type), length <= 8 else { throw fail("expected an unsigned integer", o) }
        var v: UInt64 = 0
        for i in 0 ..< length { v = v << 8 | UInt64(bytes[start + i]) }
        return v
    }

    /// The offset just after the value at `o` (a pointer counts as its own bytes).
    func skip(_ o: Int, depth: Int = 0) throws(Failure) -> Int {
        guard depth <= MaxMindDB.Limits.maxDepth else { throw fail("values nested too deep", o) }
        let h = try header(at: o)
        switch h {
        case .pointer:
            let ss = (Int(bytes[o]) >> 3) & 3
            return o + 2 + ss
        case let .string(start, length): return start + length
        case let .scalar(_, start, length): return start + length
        case let .map(count, first):
            var p = first
            for _ in 0 ..< count { p = try skip(try skip(p, depth: depth + 1), depth: depth + 1) }
            return p
        case let .array(count, first):
            var p = first
            for _ in 0 ..< count { p = try skip(p, depth: depth + 1) }
            return p
        }
    }

    /// The offset of the value at a key path of nested maps, or nil.
    func locate(_ path: [String], at o: Int) throws(Failure) -> Int? {
        var at = o
        for key in path {
            let (h, _) = try resolve(at)
            guard case let .map(count, first) = h else { return nil }
            var p = first
            var found: Int?
            for _ in 0 ..< count {
                let (k, valueAt) = try string(at: p)
                if k == key { found = valueAt; break }
                p = try skip(valueAt)
            }
            guard let found else { return nil }
            at = found
        }
        return at
    }

    /// The string value at a key path of nested maps, or nil.
    func find(_ path: [String], at o: Int) throws(Failure) -> String? {
        guard let at = try locate(path, at: o) else { return nil }
        let (v, _) = try resolve(at)
        guard case let .string(start, length) = v else { return nil }
        return String(decoding: bytes.view(start, length), as: UTF8.self)
    }

    /// The unsigned integer at a key path, or nil (absent, or of another type).
    func findUnsigned(_ path: [String], at o: Int) throws(Failure) -> UInt64? {
        guard let at = try locate(path, at: o) else { return nil }
        return try? unsigned(at: at)
    }
}
