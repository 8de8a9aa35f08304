import Flows
import Verdicts
import WireBytes

/// The flow record of docs/contract.md, as JSON members, an NDJSON line, or a CSV row.
public enum FlowRecordReport {
    /// Field order is part of the output's stability: CSV columns follow it.
    public static let columns = [
        "first", "last", "proto", "clientIp", "clientPort", "serverIp", "serverPort",
        "packetsToServer", "packetsToClient", "bytesToServer", "bytesToClient",
        "app", "category", "hostname", "serverCountry", "crossBorder", "registry", "source",
        "vlan", "tunnelled", "end", "clientCountry", "inbound", "categoryEvidence", "evidence",
        "destination", "clientMac", "serverMac", "service",
    ]

    public static func json(_ r: FlowRecord, fractionDigits: Int = 6) -> JSON {
        let f = r.flow
        return .object([
            ("first", .string(Timestamps.rfc3339(nanoseconds: f.first, fractionDigits: fractionDigits))),
            ("last", .string(Timestamps.rfc3339(nanoseconds: f.last, fractionDigits: fractionDigits))),
            ("proto", .string(r.protoName)),
            ("clientIp", .string(f.client.description)),
            ("clientPort", .int(Int(f.clientPort))),
            ("serverIp", .string(f.server.description)),
            ("serverPort", .int(Int(f.serverPort))),
            ("packetsToServer", .int(Int64(clamping: f.packetsToServer))),
            ("packetsToClient", .int(Int64(clamping: f.packetsToClient))),
            ("bytesToServer", .int(Int64(clamping: f.bytesToServer))),
            ("bytesToClient", .int(Int64(clamping: f.bytesToClient))),
            ("app", .string(r.app.name)),
            ("category", .string(r.category.name)),
            ("hostname", .optional(r.hostname)),
            ("serverCountry", .optional(r.serverCountry)),
            ("crossBorder", .bool(r.crossBorder)),
            ("registry", .string(r.registry.name)),
            ("source", .string(r.source.rawValue)),
            ("vlan", f.vlan == 0 ? .null : .int(Int(f.vlan))),
            ("tunnelled", .bool(f.tunnelled)),
            ("end", .string(endName(f.end))),
            ("clientCountry", .optional(r.clientCountry)),
            ("inbound", .bool(r.inbound)),
            ("categoryEvidence", .string(r.categoryEvidence.name)),
            ("evidence", .optional(r.evidence)),
            ("destination", .optional(r.destinationName)),
            ("clientMac", f.clientMAC == 0 ? .null : .string(MACAddress.text(f.clientMAC))),
            ("serverMac", f.serverMAC == 0 ? .null : .string(MACAddress.text(f.serverMAC))),
            ("service", .optional(r.service)),
        ])
    }

    public static func endName(_ e: FlowEnd) -> String {
        switch e {
        case .idle: return "idle"
        case .closed: return "closed"
        case .active: return "active-timeout"
        case .evicted: return "evicted"
        case .endOfInput: return "end-of-input"
        }
    }

    public static var csvHeader: String { columns.joined(separator: ",") + "\n" }

    static func csvField(_ v: JSON) -> String {
        switch v {
        case .null: return ""
        case let .bool(b): return b ? "true" : "false"
        case let .int(i): return String(i)
        case let .double(d): return String(d)
        case let .string(s): return CSVText.field(s)
        default: return ""
        }
    }
}
