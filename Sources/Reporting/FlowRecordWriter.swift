import Flows
import Inspection
import Verdicts
import WireBytes

/// Writes flow records as NDJSON lines or CSV rows straight into a byte buffer: the
/// `flows` command emits one per conversation, millions on a large capture, so this
/// path builds no intermediate values or strings (the JSON report uses `JSON`).
/// A record is written through a pointer into room reserved for it up front, then
/// appended to `buffer` in one copy: appending byte by byte to the array checked
/// capacity and uniqueness per byte, and cost more than reading the packets.
public struct FlowRecordWriter {
    public var buffer: [UInt8] = []

    public init() { buffer.reserveCapacity(1 << 16) }

    /// One NDJSON line with the fields of `FlowRecordReport.columns`, in that order.
    public mutating func ndjson(_ r: FlowRecord) {
        write(room: FlowRecordWriter.room(r)) { o in
            let f = r.flow
            o.ascii("{\"first\":\""); o.time(f.first)
            o.ascii("\",\"last\":\""); o.time(f.last)
            o.ascii("\",\"proto\":"); o.jsonString(r.protoName)
            o.ascii(",\"clientIp\":\""); o.address(f.client)
            o.ascii("\",\"clientPort\":"); o.int(UInt64(f.clientPort))
            o.ascii(",\"serverIp\":\""); o.address(f.server)
            o.ascii("\",\"serverPort\":"); o.int(UInt64(f.serverPort))
            o.ascii(",\"packetsToServer\":"); o.int(f.packetsToServer)
            o.ascii(",\"packetsToClient\":"); o.int(f.packetsToClient)
            o.ascii(",\"bytesToServer\":"); o.int(f.bytesToServer)
            o.ascii(",\"bytesToClient\":"); o.int(f.bytesToClient)
            o.ascii(",\"app\":"); o.jsonString(r.app.name)
            o.ascii(",\"category\":"); o.jsonString(r.category.name)
            o.ascii(",\"hostname\":"); if let h = r.hostname { o.jsonString(h) } else { o.ascii("null") }
            o.ascii(",\"serverCountry\":"); if let c = r.serverCountry { o.jsonString(c) } else { o.ascii("null") }
            o.ascii(",\"crossBorder\":"); o.bool(r.crossBorder)
            o.ascii(",\"registry\":"); o.jsonString(r.registry.name)
            o.ascii(",\"source\":"); o.jsonString(r.source.rawValue)
            o.ascii(",\"vlan\":"); if f.vlan == 0 { o.ascii("null") } else { o.int(UInt64(f.vlan)) }
            o.ascii(",\"tunnelled\":"); o.bool(f.tunnelled)
            o.ascii(",\"end\":"); o.jsonString(FlowRecordReport.endName(f.end))
            o.ascii(",\"clientCountry\":"); if let c = r.clientCountry { o.jsonString(c) } else { o.ascii("null") }
            o.ascii(",\"inbound\":"); o.bool(r.inbound)
            o.ascii(",\"categoryEvidence\":"); o.jsonString(r.categoryEvidence.name)
            o.ascii(",\"evidence\":"); if r.categoryEvidence == .none { o.ascii("null") } else { o.evidence(r) }
            o.ascii(",\"destination\":"); if let d = r.destinationName { o.jsonString(d) } else { o.ascii("null") }
            o.ascii(",\"clientMac\":"); if f.clientMAC == 0 { o.ascii("null") } else { o.byte(0x22); o.mac(f.clientMAC); o.byte(0x22) }
            o.ascii(",\"serverMac\":"); if f.serverMAC == 0 { o.ascii("null") } else { o.byte(0x22); o.mac(f.serverMAC); o.byte(0x22) }
            o.ascii(",\"service\":"); if let v = r.service { o.jsonString(v) } else { o.ascii("null") }
            o.ascii("}\n")
        }
    }

    /// One CSV row, the columns of `FlowRecordReport.columns`.
    public mutating func csv(_ r: FlowRecord) {
        write(room: FlowRecordWriter.room(r)) { o in
            let f = r.flow
            o.time(f.first); o.byte(0x2C); o.time(f.last); o.byte(0x2C); o.raw(r.protoName); o.byte(0x2C)
            o.address(f.client); o.byte(0x2C); o.int(UInt64(f.clientPort)); o.byte(0x2C)
            o.address(f.server); o.byte(0x2C); o.int(UInt64(f.serverPort)); o.byte(0x2C)
            o.int(f.packetsToServer); o.byte(0x2C); o.int(f.packetsToClient); o.byte(0x2C)
            o.int(f.bytesToServer); o.byte(0x2C); o.int(f.bytesToClient); o.byte(0x2C)
            o.csvField(r.app.name); o.byte(0x2C); o.csvField(r.category.name); o.byte(0x2C); o.csvField(r.hostname ?? ""); o.byte(0x2C)
            o.csvField(r.serverCountry ?? ""); o.byte(0x2C); o.bool(r.crossBorder); o.byte(0x2C)
            o.csvField(r.registry.name); o.byte(0x2C); o.csvField(r.source.rawValue); o.byte(0x2C)
            if f.vlan != 0 { o.int(UInt64(f.vlan)) }; o.byte(0x2C)
            o.bool(f.tunnelled); o.byte(0x2C)
            o.csvField(FlowRecordReport.endName(f.end)); o.byte(0x2C)
            o.csvField(r.clientCountry ?? ""); o.byte(0x2C)
            o.bool(r.inbound); o.byte(0x2C)
            o.csvField(r.categoryEvidence.name); o.byte(0x2C)
            if r.categoryEvidence != .none { o.evidence(r) }
            o.byte(0x2C); if let d = r.destinationName { o.raw(d) }
            o.byte(0x2C); if f.clientMAC != 0 { o.mac(f.clientMAC) }
            o.byte(0x2C); if f.serverMAC != 0 { o.mac(f.serverMAC) }
            o.byte(0x2C); if let v = r.service { o.csvField(v) }
            o.byte(0x0A)
        }
    }

    /// Bytes a record can take at most: the fixed text and numbers, plus every string
    /// escaped at its worst (6 bytes per byte, `\u00XX`).
    static func room(_ r: FlowRecord) -> Int {
        let strings = r.protoName.utf8.count + r.app.name.utf8.count + r.category.name.utf8.count + (r.hostname?.utf8.count ?? 0)
            + (r.serverCountry?.utf8.count ?? 0) + r.registry.name.utf8.count + r.source.rawValue.utf8.count
            + FlowRecordReport.endName(r.flow.end).utf8.count + (r.clientCountry?.utf8.count ?? 0)
            + 2 * (r.service?.utf8.count ?? 0)
        return 1024 + 6 * strings
    }

    private mutating func write(room: Int, _ body: (inout Cursor) -> Void) {
        withUnsafeTemporaryAllocation(byteCount: room, alignment: 1) { scratch in
            var cursor = Cursor(start: scratch.baseAddress!.assumingMemoryBound(to: UInt8.self))
            body(&cursor)
            buffer.append(contentsOf: UnsafeRawBufferPointer(start: scratch.baseAddress, count: cursor.count))
        }
    }

    /// Writes forward from `start` into room the caller reserved (see `room`).
    struct Cursor {
        let start: UnsafeMutablePointer<UInt8>
        var count = 0

        @inline(__always) mutating func byte(_ b: UInt8) { start[count] = b; count += 1 }

        @inline(__always) mutating func ascii(_ s: StaticString) {
            let n = s.utf8CodeUnitCount
            (start + count).update(from: s.utf8Start, count: n)
            count += n
        }

        /// `aa:bb:cc:dd:ee:ff`, 17 bytes.
        mutating func mac(_ m: UInt64) {
            let hex: StaticString = "0123456789abcdef"
            for i in stride(from: 40, through: 0, by: -8) {
                let b = Int(m >> UInt64(i) & 0xFF)
                if i != 40 { byte(0x3A) }
                byte(hex.utf8Start[b >> 4]); byte(hex.utf8Start[b & 15])
            }
        }

        mutating func raw(_ s: String) {
            var s = s
            s.withUTF8 { copy($0) }
        }

        /// Bytes in one copy (a `String`'s UTF-8 walked element by element cost ~20
        /// instructions a byte).
        @inline(__always) mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let base = bytes.baseAddress else { return }
            (start + count).update(from: base, count: bytes.count)
            count += bytes.count
        }

        /// `CategoryEvidenceKey.text` in double quotes, written in pieces (no string per
        /// record); the pieces are names and a number, never a quote or a backslash, so
        /// the same bytes are a JSON string and a quoted CSV field.
        mutating func evidence(_ r: FlowRecord) {
            byte(0x22)
            switch r.categoryEvidence {
            case .none: break
            case .payload:
                ascii("payload: "); raw(r.app.name)
                if r.app != .unknown, r.category != CategoryRules.category(of: r.app) { ascii(" carrying "); raw(r.category.name) }
            case .alpn:
                ascii("ALPN: "); raw(r.app.name); ascii(" offers "); raw(r.offered.name)
            case .port:
                ascii("port: "); raw(r.app.name); ascii(" to "); int(UInt64(r.flow.serverPort))
                ascii(", the port of "); raw(r.offered.name); ascii(" over TLS (a hint)")
            case .service:
                ascii("service: "); raw(r.app.name); ascii(" name matches "); raw(r.service ?? "")
                ascii(" ("); raw(r.category.name); byte(0x29)
            }
            byte(0x22)
        }

        mutating func bool(_ b: Bool) { if b { ascii("true") } else { ascii("false") } }

        mutating func int(_ v: UInt64) {
            // Digits land at the end of a 20-byte window, then move into place.
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
            let n = withUnsafeMutableBytes(of: &digits) { d -> Int in
                var x = v, i = 20
                repeat { i -= 1; d[i] = 0x30 + UInt8(x % 10); x /= 10 } while x > 0
                (start + count).update(from: d.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, count: 20 - i)
                return 20 - i
            }
            count += n
        }

        /// `v` (0 <= v < 10^width) in exactly `width` digits.
        @inline(__always) mutating func padded(_ v: Int64, _ width: Int) {
            var x = v
            var i = width
            while i > 0 { i -= 1; start[count + i] = 0x30 + UInt8(truncatingIfNeeded: x % 10); x /= 10 }
            count += width
        }

        /// RFC 3339 UTC with microseconds, as `Timestamps.rfc3339` writes it.
        mutating func time(_ ns: Int64) {
            let (days, sod, fraction) = Timestamps.split(ns)
            let (y, m, d) = Timestamps.civil(daysSinceEpoch: days)
            // Int64 nanoseconds span the years 1677 to 2262: always four digits.
            padded(y, 4)
            byte(0x2D); padded(m, 2); byte(0x2D); padded(d, 2); byte(0x54)
            padded(sod / 3600, 2); byte(0x3A); padded(sod / 60 % 60, 2); byte(0x3A); padded(sod % 60, 2)
            byte(0x2E); padded(fraction / 1000, 6); byte(0x5A)
        }

        mutating func address(_ a: IPAddress) {
            if a.isIPv4 {
                let v = a.v4
                int(UInt64(v >> 24)); byte(0x2E); int(UInt64(v >> 16 & 0xFF)); byte(0x2E)
                int(UInt64(v >> 8 & 0xFF)); byte(0x2E); int(UInt64(v & 0xFF))
            } else {
                raw(a.description)
            }
        }

        /// A JSON string: the names borderflow writes are plain, but any byte that needs it is escaped.
        mutating func jsonString(_ s: String) {
            byte(0x22)
            var s = s
            s.withUTF8 { bytes in
                if !bytes.contains(where: { $0 == 0x22 || $0 == 0x5C || $0 < 0x20 }) { return copy(bytes) }
                for u in bytes {
                    switch u {
                    case 0x22: ascii("\\\"")
                    case 0x5C: ascii("\\\\")
                    case 0 ..< 0x20:
                        ascii("\\u00")
                        byte(Cursor.hex(u >> 4)); byte(Cursor.hex(u & 15))
                    default: byte(u)
                    }
                }
            }
            byte(0x22)
        }

        @inline(__always) static func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

        /// A CSV field as `CSVText.field` writes it.
        mutating func csvField(_ s: String) {
            let formula = s.utf8.first.map(CSVText.startsFormula) ?? false
            if formula || s.utf8.contains(where: CSVText.needsQuotes) {
                byte(0x22)
                if formula { byte(0x27) }
                for u in s.utf8 { if u == 0x22 { byte(0x22) }; byte(u) }
                byte(0x22)
            } else {
                raw(s)
            }
        }
    }
}
