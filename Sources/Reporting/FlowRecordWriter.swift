import Flows
import WireBytes

/// Writes flow records as NDJSON lines or CSV rows straight into a byte buffer: the
/// `flows` command emits one per conversation, millions on a large capture, so this
/// path builds no intermediate values or strings (the JSON report uses `JSON`).
public struct FlowRecordWriter {
    public var buffer: [UInt8] = []

    public init() { buffer.reserveCapacity(1 << 16) }

    @inline(__always) mutating func byte(_ b: UInt8) { buffer.append(b) }
    mutating func ascii(_ s: StaticString) { s.withUTF8Buffer { buffer.append(contentsOf: $0) } }

    mutating func int(_ v: UInt64) {
        if v < 10 { buffer.append(0x30 + UInt8(v)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &digits) { d in
            while x > 0 { d[n] = 0x30 + UInt8(x % 10); x /= 10; n += 1 }
            for i in stride(from: n - 1, through: 0, by: -1) { buffer.append(d[i]) }
        }
    }

    mutating func padded(_ v: Int64, _ width: Int) {
        var divisor: Int64 = 1
        for _ in 1 ..< width { divisor *= 10 }
        var x = v
        while divisor > 0 { buffer.append(0x30 + UInt8(x / divisor % 10)); x %= divisor; divisor /= 10 }
    }

    /// RFC 3339 UTC with microseconds, as `Timestamps.rfc3339` writes it.
    mutating func time(_ ns: Int64) {
        let perSecond: Int64 = 1_000_000_000
        var seconds = ns / perSecond
        var fraction = ns % perSecond
        if fraction < 0 { fraction += perSecond; seconds -= 1 }
        var days = seconds / 86_400
        var sod = seconds % 86_400
        if sod < 0 { sod += 86_400; days -= 1 }
        let (y, m, d) = Timestamps.civil(daysSinceEpoch: days)
        padded(y, 4); byte(0x2D); padded(m, 2); byte(0x2D); padded(d, 2); byte(0x54)
        padded(sod / 3600, 2); byte(0x3A); padded(sod / 60 % 60, 2); byte(0x3A); padded(sod % 60, 2)
        byte(0x2E); padded(fraction / 1000, 6); byte(0x5A)
    }

    mutating func address(_ a: IPAddress) {
        if a.isIPv4 {
            let v = a.v4
            int(UInt64(v >> 24)); byte(0x2E); int(UInt64(v >> 16 & 0xFF)); byte(0x2E); int(UInt64(v >> 8 & 0xFF)); byte(0x2E); int(UInt64(v & 0xFF))
        } else {
            buffer.append(contentsOf: a.description.utf8)
        }
    }

    /// A JSON string: the names borderflow writes are plain, but any byte that needs it is escaped.
    mutating func jsonString(_ s: String) {
        byte(0x22)
        for u in s.utf8 {
            switch u {
            case 0x22: ascii("\\\"")
            case 0x5C: ascii("\\\\")
            case 0 ..< 0x20:
                ascii("\\u00"); let hex: [UInt8] = Array("0123456789abcdef".utf8); byte(hex[Int(u >> 4)]); byte(hex[Int(u & 15)])
            default: byte(u)
            }
        }
        byte(0x22)
    }

    /// One NDJSON line with the fields of `FlowRecordReport.columns`, in that order.
    public mutating func ndjson(_ r: FlowRecord) {
        let f = r.flow
        ascii("{\"first\":\""); time(f.first)
        ascii("\",\"last\":\""); time(f.last)
        ascii("\",\"proto\":"); jsonString(r.protoName)
        ascii(",\"clientIp\":\""); address(f.client)
        ascii("\",\"clientPort\":"); int(UInt64(f.clientPort))
        ascii(",\"serverIp\":\""); address(f.server)
        ascii("\",\"serverPort\":"); int(UInt64(f.serverPort))
        ascii(",\"packetsToServer\":"); int(f.packetsToServer)
        ascii(",\"packetsToClient\":"); int(f.packetsToClient)
        ascii(",\"bytesToServer\":"); int(f.bytesToServer)
        ascii(",\"bytesToClient\":"); int(f.bytesToClient)
        ascii(",\"app\":"); jsonString(r.app)
        ascii(",\"category\":"); jsonString(r.category)
        ascii(",\"hostname\":"); if let h = r.hostname { jsonString(h) } else { ascii("null") }
        ascii(",\"serverCountry\":"); if let c = r.serverCountry { jsonString(c) } else { ascii("null") }
        ascii(",\"crossBorder\":"); if r.crossBorder { ascii("true") } else { ascii("false") }
        ascii(",\"registry\":"); jsonString(r.registry)
        ascii(",\"source\":"); jsonString(r.source.rawValue)
        ascii(",\"vlan\":"); if f.vlan == 0 { ascii("null") } else { int(UInt64(f.vlan)) }
        ascii(",\"tunnelled\":"); if f.tunnelled { ascii("true") } else { ascii("false") }
        ascii(",\"end\":"); jsonString(FlowRecordReport.endName(f.end))
        ascii(",\"clientCountry\":"); if let c = r.clientCountry { jsonString(c) } else { ascii("null") }
        ascii(",\"inbound\":"); if r.inbound { ascii("true") } else { ascii("false") }
        ascii("}\n")
    }

    /// One CSV row, the columns of `FlowRecordReport.columns`.
    public mutating func csv(_ r: FlowRecord) {
        let f = r.flow
        time(f.first); byte(0x2C); time(f.last); byte(0x2C); buffer.append(contentsOf: r.protoName.utf8); byte(0x2C)
        address(f.client); byte(0x2C); int(UInt64(f.clientPort)); byte(0x2C)
        address(f.server); byte(0x2C); int(UInt64(f.serverPort)); byte(0x2C)
        int(f.packetsToServer); byte(0x2C); int(f.packetsToClient); byte(0x2C); int(f.bytesToServer); byte(0x2C); int(f.bytesToClient); byte(0x2C)
        csvField(r.app); byte(0x2C); csvField(r.category); byte(0x2C); csvField(r.hostname ?? ""); byte(0x2C)
        csvField(r.serverCountry ?? ""); byte(0x2C); if r.crossBorder { ascii("true") } else { ascii("false") }; byte(0x2C)
        csvField(r.registry); byte(0x2C); csvField(r.source.rawValue); byte(0x2C)
        if f.vlan != 0 { int(UInt64(f.vlan)) }; byte(0x2C)
        if f.tunnelled { ascii("true") } else { ascii("false") }; byte(0x2C)
        csvField(FlowRecordReport.endName(f.end)); byte(0x2C)
        csvField(r.clientCountry ?? ""); byte(0x2C)
        if r.inbound { ascii("true") } else { ascii("false") }; byte(0x0A)
    }

    mutating func csvField(_ s: String) {
        if s.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
            byte(0x22)
            for u in s.utf8 { if u == 0x22 { byte(0x22) }; byte(u) }
            byte(0x22)
        } else {
            buffer.append(contentsOf: s.utf8)
        }
    }
}
