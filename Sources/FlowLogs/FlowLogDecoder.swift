import WireBytes

/// Decodes NetFlow v5, NetFlow v9 (RFC 3954) and IPFIX (RFC 7011) export messages.
/// Templates are learnt per exporter and domain; data that arrives before or without
/// its template is counted, never guessed. Every length is checked against the
/// message before it is used.
public struct FlowLogDecoder: Sendable {
    public var cache = TemplateCache()
    public var stats = FlowLogStats()
    /// Problems with their offsets (in the message), first few kept.
    public private(set) var problems: [WireError] = []

    public init() {}

    enum V5 {
        static let header = 24, record = 48
    }

    enum V9 {
        static let header = 20
    }

    enum IPFIX {
        static let header = 16
    }

    mutating func problem(_ e: WireError) {
        stats.malformed += 1
        if problems.count < 16 { problems.append(e) }
    }

    /// The export version a payload starts with, if it looks like a whole message.
    public static func looksLikeExport(_ b: UnsafeRawBufferPointer) -> UInt16? {
        guard b.count >= 4 else { return nil }
        let version = b.u16be(0)
        let second = Int(b.u16be(2))
        switch version {
        case 5: return second >= 1 && second <= FlowLogLimits.v5MaxCount && b.count == V5.header + V5.record * second ? 5 : nil
        case 9:
            guard b.count >= V9.header + 4, second <= 4096 else { return nil }
            let set = b.u16be(V9.header), length = Int(b.u16be(V9.header + 2))
            return (set <= 1 || set >= 256) && length >= 4 && V9.header + length <= b.count ? 9 : nil
        case 10:
            guard b.count >= IPFIX.header + 4, second == b.count else { return nil }
            let set = b.u16be(IPFIX.header), length = Int(b.u16be(IPFIX.header + 2))
            return (set == 2 || set == 3 || set >= 256) && length >= 4 ? 10 : nil
        default: return nil
        }
    }

    /// Decodes one message; returns its length (the bytes it used), or nil when the
    /// header itself is not a message.
    @discardableResult
    public mutating func decode(_ b: UnsafeRawBufferPointer, exporter: IPAddress, emit: (FlowLogRecord) -> Void) -> Int? {
        guard b.count >= 4 else {
            problem(.truncated(.netflow, needed: 4, available: b.count, at: 0))
            return nil
        }
        switch b.u16be(0) {
        case 5: return decodeV5(b, exporter: exporter, emit: emit)
        case 9: return decodeV9(b, exporter: exporter, emit: emit)
        case 10: return decodeIPFIX(b, exporter: exporter, emit: emit)
        default:
            problem(.unsupported(.netflow, "export version is not 5, 9 or 10", at: 0))
            return nil
        }
    }

    // MARK: NetFlow v5

    mutating func decodeV5(_ b: UnsafeRawBufferPointer, exporter: IPAddress, emit: (FlowLogRecord) -> Void) -> Int? {
        guard b.count >= V5.header else {
            problem(.truncated(.netflow, needed: V5.header, available: b.count, at: 0))
            return nil
        }
        stats.messages += 1
        let count = Int(b.u16be(2))
        let uptime = Int64(b.u32be(4))
        let exportTime = Int64(b.u32be(8)) * 1_000_000_000 + Int64(b.u32be(12))
        var n = count
        if count > FlowLogLimits.v5MaxCount || V5.header + count * V5.record > b.count {
            problem(.truncated(.netflow, needed: V5.header + count * V5.record, available: b.count, at: 0))
            n = min(count, (b.count - V5.header) / V5.record)
        }
        for i in 0 ..< n {
            let o = V5.header + i * V5.record
            var r = FlowLogRecord()
            r.version = 5
            r.exporter = exporter
            r.observationDomain = UInt32(b.u16be(20))
            r.source = IPAddress(v4At: o, in: b)
            r.destination = IPAddress(v4At: o + 4, in: b)
            r.hasAddresses = true
            r.inputInterface = UInt32(b.u16be(o + 12))
            r.outputInterface = UInt32(b.u16be(o + 14))
            r.packets = UInt64(b.u32be(o + 16))
            r.octets = UInt64(b.u32be(o + 20))
            r.first = exportTime - (uptime - Int64(b.u32be(o + 24))) * 1_000_000
            r.last = exportTime - (uptime - Int64(b.u32be(o + 28))) * 1_000_000
            r.sourcePort = b.u16be(o + 32)
            r.destinationPort = b.u16be(o + 34)
            r.tcpFlags = b[o + 37]
            r.ipProtocol = b[o + 38]
            stats.dataRecords += 1
            emit(r)
        }
        return min(b.count, V5.header + count * V5.record)
    }

    // MARK: NetFlow v9

    mutating func decodeV9(_ b: UnsafeRawBufferPointer, exporter: IPAddress, emit: (FlowLogRecord) -> Void) -> Int? {
        guard b.count >= V9.header else {
            problem(.truncated(.netflow, needed: V9.header, available: b.count, at: 0))
            return nil
        }
        stats.messages += 1
        let context = TimeContext(uptimeMs: Int64(b.u32be(4)), exportTime: Int64(b.u32be(8)) * 1_000_000_000)
        let domain = b.u32be(16)
        var offset = V9.header
        while b.count - offset >= 4 {
            let id = b.u16be(offset)
            let length = Int(b.u16be(offset + 2))
            guard length >= 4, offset + length <= b.count else {
                // Padding at the end of a message is legal; anything else is a bad length.
                if !(id == 0 && length == 0) { problem(.malformed(.netflow, "flowset length runs past the message", at: offset + 2)) }
                break
            }
            let set = b.view(offset + 4, length - 4)
            switch id {
            case 0: readTemplates(set, base: offset + 4, exporter: exporter, domain: domain, version: 9, options: false)
            case 1: readV9OptionsTemplates(set, base: offset + 4, exporter: exporter, domain: domain)
            case 2 ... 255: break  // reserved
            default:
                readData(set, base: offset + 4, key: TemplateCache.Key(exporter: exporter, domain: domain, id: id, version: 9),
                         version: 9, exporter: exporter, domain: domain, time: context, emit: emit)
            }
            offset += length
        }
        return offset
    }

    // MARK: IPFIX

    mutating func decodeIPFIX(_ b: UnsafeRawBufferPointer, exporter: IPAddress, emit: (FlowLogRecord) -> Void) -> Int? {
        guard b.count >= IPFIX.header else {
            problem(.truncated(.netflow, needed: IPFIX.header, available: b.count, at: 0))
            return nil
        }
        let messageLength = Int(b.u16be(2))
        guard messageLength >= IPFIX.header else {
            problem(.malformed(.netflow, "IPFIX message length below its header", at: 2))
            return nil
        }
        guard messageLength <= b.count else {
            problem(.truncated(.netflow, needed: messageLength, available: b.count, at: 0))
            return nil
        }
        stats.messages += 1
        let context = TimeContext(uptimeMs: nil, exportTime: Int64(b.u32be(4)) * 1_000_000_000)
        let domain = b.u32be(12)
        var offset = IPFIX.header
        while messageLength - offset >= 4 {
            let id = b.u16be(offset)
            let length = Int(b.u16be(offset + 2))
            guard length >= 4, offset + length <= messageLength else {
                problem(.malformed(.netflow, "set length runs past the message", at: offset + 2))
                break
            }
            let set = b.view(offset + 4, length - 4)
            switch id {
            case 2: readTemplates(set, base: offset + 4, exporter: exporter, domain: domain, version: 10, options: false)
            case 3: readTemplates(set, base: offset + 4, exporter: exporter, domain: domain, version: 10, options: true)
            case 0 ... 255: break
            default:
                readData(set, base: offset + 4, key: TemplateCache.Key(exporter: exporter, domain: domain, id: id, version: 10),
                         version: 10, exporter: exporter, domain: domain, time: context, emit: emit)
            }
            offset += length
        }
        return messageLength
    }

    // MARK: templates

    /// Template records (v9 set 0, IPFIX sets 2 and 3); IPFIX fields may carry an
    /// enterprise number, and a field count of 0 withdraws the template.
    mutating func readTemplates(_ s: UnsafeRawBufferPointer, base: Int, exporter: IPAddress, domain: UInt32, version: UInt16, options: Bool) {
        var o = 0
        while s.count - o >= 4 {
            let id = s.u16be(o)
            let count = Int(s.u16be(o + 2))
            o += 4
            var scopeCount = 0
            if options {
                guard s.count - o >= 2 else { problem(.truncated(.netflow, needed: 2, available: s.count - o, at: base + o)); return }
                scopeCount = Int(s.u16be(o))
                o += 2
            }
            let key = TemplateCache.Key(exporter: exporter, domain: domain, id: id, version: version)
            if count == 0 {
                cache.templates[key] = nil  // withdrawal
                continue
            }
            guard id >= 256 else {
                // Padding (a zero id) ends the set; other ids below 256 are invalid.
                if id != 0 { problem(.malformed(.netflow, "template id below 256", at: base + o - 4)) }
                return
            }
            guard count <= FlowLogLimits.maxFieldsPerTemplate, scopeCount <= count else {
                stats.templatesRefused += 1
                problem(.malformed(.netflow, "template field count out of bounds", at: base + o - 2))
                return
            }
            var fields: [TemplateField] = []
            fields.reserveCapacity(count)
            for _ in 0 ..< count {
                guard s.count - o >= 4 else { problem(.truncated(.netflow, needed: 4, available: s.count - o, at: base + o)); return }
                var fid = s.u16be(o)
                let length = s.u16be(o + 2)
                o += 4
                var enterprise = false
                if version == 10, fid & 0x8000 != 0 {
                    guard s.count - o >= 4 else { problem(.truncated(.netflow, needed: 4, available: s.count - o, at: base + o)); return }
                    enterprise = true
                    fid &= 0x7FFF
                    o += 4
                }
                fields.append(TemplateField(id: fid, length: length, enterprise: enterprise))
            }
            store(fields, scopeCount: scopeCount, options: options, key: key, at: base + o)
        }
    }

    /// NetFlow v9 options templates give scope and option lengths in bytes.
    mutating func readV9OptionsTemplates(_ s: UnsafeRawBufferPointer, base: Int, exporter: IPAddress, domain: UInt32) {
        var o = 0
        while s.count - o >= 6 {
            let id = s.u16be(o)
            let scopeBytes = Int(s.u16be(o + 2))
            let optionBytes = Int(s.u16be(o + 4))
            o += 6
            guard id >= 256 else { return }  // padding
            guard scopeBytes % 4 == 0, optionBytes % 4 == 0, s.count - o >= scopeBytes + optionBytes,
                  (scopeBytes + optionBytes) / 4 <= FlowLogLimits.maxFieldsPerTemplate else {
                problem(.malformed(.netflow, "options template lengths run past the flowset", at: base + o - 4))
                return
            }
            var fields: [TemplateField] = []
            for _ in 0 ..< (scopeBytes + optionBytes) / 4 {
                fields.append(TemplateField(id: s.u16be(o), length: s.u16be(o + 2), enterprise: false))
                o += 4
            }
            store(fields, scopeCount: scopeBytes / 4, options: true,
                  key: TemplateCache.Key(exporter: exporter, domain: domain, id: id, version: 9), at: base + o)
        }
    }

    mutating func store(_ fields: [TemplateField], scopeCount: Int, options: Bool, key: TemplateCache.Key, at offset: Int) {
        var fixed = 0, minimum = 0, variable = false
        for f in fields {
            if f.length == 0xFFFF { variable = true; minimum += 1 } else { fixed += Int(f.length); minimum += Int(f.length) }
        }
        guard minimum > 0 else {
            // A record of zero bytes would loop forever over a data set.
            stats.templatesRefused += 1
            problem(.malformed(.netflow, "template describes zero-length records", at: offset))
            return
        }
        cache.store(Template(fields: fields, scopeFields: scopeCount, isOptions: options,
                             fixedLength: variable ? nil : fixed, minimumLength: minimum), for: key, stats: &stats)
    }

    // MARK: data

    struct TimeContext {
        var uptimeMs: Int64?
        var exportTime: Int64
    }

    mutating func readData(_ s: UnsafeRawBufferPointer, base: Int, key: TemplateCache.Key, version: UInt16, exporter: IPAddress,
                           domain: UInt32, time: TimeContext, emit: (FlowLogRecord) -> Void) {
        guard let t = cache.templates[key] else {
            stats.setsWithoutTemplate += 1
            // Without the template the record length is unknown: the count is a bound.
            stats.recordsWithoutTemplate += 1
            return
        }
        var o = 0
        var records = 0
        while s.count - o >= t.minimumLength, records < FlowLogLimits.maxRecordsPerSet {
            var r = FlowLogRecord()
            r.version = version
            r.exporter = exporter
            r.observationDomain = domain
            var startRelative: Int64?, endRelative: Int64?, initMs: Int64?
            var start: Int64?, end: Int64?
            var ok = true
            for f in t.fields {
                var length = Int(f.length)
                if f.length == 0xFFFF {
                    guard o < s.count else { ok = false; break }
                    length = Int(s[o]); o += 1
                    if length == 255 {
                        guard s.count - o >= 2 else { ok = false; break }
                        length = Int(s.u16be(o)); o += 2
                    }
                }
                guard s.count - o >= length else { ok = false; break }
                if !f.enterprise {
                    let v = FlowLogDecoder.unsigned(s, o, length)
                    switch f.id {
                    case 1, 85: if r.octets == 0 { r.octets = v }
                    case 231: if r.octets == 0 { r.octets = v }   // initiatorOctets (firewalls)
                    case 2, 86: if r.packets == 0 { r.packets = v }
                    case 298: if r.packets == 0 { r.packets = v }  // initiatorPackets
                    case 4: r.ipProtocol = UInt8(truncatingIfNeeded: v)
                    case 6: r.tcpFlags = UInt8(truncatingIfNeeded: v)
                    case 7: r.sourcePort = UInt16(truncatingIfNeeded: v)
                    case 11: r.destinationPort = UInt16(truncatingIfNeeded: v)
                    case 8 where length == 4: r.source = IPAddress(v4At: o, in: s); r.hasAddresses = true
                    case 12 where length == 4: r.destination = IPAddress(v4At: o, in: s); r.hasAddresses = true
                    case 27 where length == 16: r.source = IPAddress(v6At: o, in: s); r.hasAddresses = true
                    case 28 where length == 16: r.destination = IPAddress(v6At: o, in: s); r.hasAddresses = true
                    case 10: r.inputInterface = UInt32(truncatingIfNeeded: v)
                    case 14: r.outputInterface = UInt32(truncatingIfNeeded: v)
                    case 22: startRelative = Int64(truncatingIfNeeded: v)
                    case 21: endRelative = Int64(truncatingIfNeeded: v)
                    case 160: initMs = Int64(truncatingIfNeeded: v)
                    case 150: start = Int64(truncatingIfNeeded: v) &* 1_000_000_000
                    case 151: end = Int64(truncatingIfNeeded: v) &* 1_000_000_000
                    case 152: start = Int64(truncatingIfNeeded: v) &* 1_000_000
                    case 153: end = Int64(truncatingIfNeeded: v) &* 1_000_000
                    case 154, 156: start = FlowLogDecoder.ntp(v)
                    case 155, 157: end = FlowLogDecoder.ntp(v)
                    default: break
                    }
                }
                o += length
            }
            guard ok else {
                problem(.truncated(.netflow, needed: t.minimumLength, available: s.count - o, at: base + o))
                break
            }
            records += 1
            if t.isOptions {
                stats.optionRecords += 1
                continue
            }
            // Times: absolute fields first, then uptime-relative ones, then the export time.
            if start == nil, let rel = startRelative {
                // Wrapping arithmetic: a garbage value gives a garbage time, never a trap.
                if let initMs { start = (initMs &+ rel) &* 1_000_000 } else if let up = time.uptimeMs { start = time.exportTime &- (up &- rel) &* 1_000_000 }
            }
            if end == nil, let rel = endRelative {
                if let initMs { end = (initMs &+ rel) &* 1_000_000 } else if let up = time.uptimeMs { end = time.exportTime &- (up &- rel) &* 1_000_000 }
            }
            r.first = start ?? end ?? time.exportTime
            r.last = end ?? r.first
            stats.dataRecords += 1
            emit(r)
            if let fixed = t.fixedLength, s.count - o < fixed { break }  // the rest is padding
        }
    }

    /// An unsigned integer of 1 to 8 bytes (reduced-size encoding), big-endian.
    static func unsigned(_ b: UnsafeRawBufferPointer, _ o: Int, _ length: Int) -> UInt64 {
        guard length >= 1, length <= 8 else { return 0 }
        var v: UInt64 = 0
        for i in 0 ..< length { v = v << 8 | UInt64(b[o + i]) }
        return v
    }

    /// NTP timestamp (seconds since 1900 . fraction) to nanoseconds since 1970.
    static func ntp(_ v: UInt64) -> Int64 {
        let seconds = Int64(v >> 32) - 2_208_988_800
        let fraction = Int64((v & 0xFFFF_FFFF) &* 1_000_000_000 >> 32)
        return seconds &* 1_000_000_000 &+ fraction
    }
}
