import Flows
import Pipeline
import Policy

/// What a partial result read back must satisfy before it is merged. Partials and
/// saved results are files anyone may have edited: every count and time in them is
/// checked, so a crafted one is refused with its file and field (exit 2) instead of
/// trapping in a sum or putting an absurd figure into a report.
public enum PartialReportChecks {
    /// The largest count taken (packets, flows): 2^48, a million packets a second for
    /// nine years; sums of many such stay far from overflow, and saturate beyond.
    public static let maxCount: Int = 1 << 48
    /// The largest byte count taken: 2^60 bytes (an exbibyte).
    public static let maxBytes: UInt64 = 1 << 60
    /// Times from 1970 up to 2200-01-01 (nanoseconds since the epoch).
    public static let latestTime: Int64 = 7_258_118_400 * 1_000_000_000

    /// Throws on the first field out of range, naming it as a JSON path.
    public static func check(_ p: PartialReport, path: String) throws(PartialReportError) {
        func fail(_ field: String, _ what: String) -> PartialReportError {
            PartialReportError(path: path, message: "field `\(field)`: \(what); the file is damaged or not borderflow's (scan the inputs again)")
        }
        func count<T: BinaryInteger>(_ v: T, _ field: String, max: T) throws(PartialReportError) {
            guard v >= 0, v <= max else { throw fail(field, "\(v) is not a count from 0 to \(max)") }
        }
        func time(_ v: Int64, _ field: String) throws(PartialReportError) {
            guard v >= 0, v <= latestTime else { throw fail(field, "\(v) is not a time between 1970 and 2200 (nanoseconds)") }
        }
        func span(_ first: Int64, _ last: Int64, _ field: String) throws(PartialReportError) {
            try time(first, field + ".first")
            try time(last, field + ".last")
            guard first <= last else { throw fail(field, "first \(first) is after last \(last)") }
        }
        func input(_ i: Int, _ field: String) throws(PartialReportError) {
            guard i >= 0, i < p.totalInputs else { throw fail(field, "input \(i) is not below totalInputs \(p.totalInputs)") }
        }
        func flow(_ r: FlowRecord, _ field: String) throws(PartialReportError) {
            try span(r.flow.first, r.flow.last, field + ".flow")
            try count(r.flow.packetsToServer, field + ".flow.packetsToServer", max: UInt64(maxCount))
            try count(r.flow.packetsToClient, field + ".flow.packetsToClient", max: UInt64(maxCount))
            try count(r.flow.bytesToServer, field + ".flow.bytesToServer", max: maxBytes)
            try count(r.flow.bytesToClient, field + ".flow.bytesToClient", max: maxBytes)
            try input(r.input, field + ".input")
        }

        try count(p.totalInputs, "totalInputs", max: maxCount)
        try count(p.packets, "packets", max: maxCount)
        try count(p.flowCount, "flowCount", max: maxCount)
        try count(p.crossBorderFlows, "crossBorderFlows", max: p.flowCount)
        if let n = p.findingFlowsLeftOut { try count(n, "findingFlowsLeftOut", max: maxCount) }
        if let l = p.limits {
            try count(l.crossBorderFlowsLeftOut, "limits.crossBorderFlowsLeftOut", max: p.crossBorderFlows)
            try count(l.maintenanceSessionsLeftOut, "limits.maintenanceSessionsLeftOut", max: p.flowCount)
            try count(l.deviceFlowsLeftOut, "limits.deviceFlowsLeftOut", max: p.flowCount)
        }
        for (k, i) in p.inputs.enumerated() {
            try input(i.index, "inputs[\(k)].index")
            try count(i.packets, "inputs[\(k)].packets", max: maxCount)
            if let first = i.first, let last = i.last { try span(first, last, "inputs[\(k)]") }
            else if i.first != nil || i.last != nil { throw fail("inputs[\(k)]", "has only one of first and last") }
        }
        for (k, f) in p.findings.enumerated() {
            try count(f.flows, "findings[\(k)].flows", max: maxCount)
            guard f.flows > 0 else { throw fail("findings[\(k)].flows", "a finding has at least one flow") }
            try count(f.bytes, "findings[\(k)].bytes", max: maxBytes)
            try span(f.first, f.last, "findings[\(k)]")
            for i in f.inputs { try input(i, "findings[\(k)].inputs") }
        }
        for (k, r) in p.flows.enumerated() { try flow(r, "flows[\(k)]") }
        for (k, r) in p.maintenanceSessions.enumerated() { try flow(r, "maintenanceSessions[\(k)]") }
        for (k, n) in p.deviceNames.enumerated() where n.names.count > PacketStats.maxNamesPerDevice {
            throw fail("deviceNames[\(k)].names", "more than \(PacketStats.maxNamesPerDevice) names")
        }
        for (k, d) in p.devices.enumerated() {
            try count(d.flows, "devices[\(k)].flows", max: p.flowCount)
            try count(d.crossBorderFlows, "devices[\(k)].crossBorderFlows", max: d.flows)
            try count(d.bytesAbroad, "devices[\(k)].bytesAbroad", max: maxBytes)
            guard d.mac < 1 << 48 else { throw fail("devices[\(k)].mac", "not a 48-bit Ethernet address") }
            try span(d.first, d.last, "devices[\(k)]")
        }
        for (k, e) in p.crossBorder.enumerated() {
            try count(e.traffic.flows, "crossBorder[\(k)].traffic.flows", max: maxCount)
            try count(e.traffic.bytes, "crossBorder[\(k)].traffic.bytes", max: maxBytes)
        }
    }
}
