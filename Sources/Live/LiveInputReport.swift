import Pipeline
import Reporting

/// How the interface was captured, for the report's input object (`live`).
public struct LiveCaptureInfo: Sendable {
    public var interface: String
    public var linkType: String
    public var snapLength: Int
    public var filter: String?
    public var promiscuous: Bool
    public var drops: CaptureDrops
    public var stoppedBy: StopReason
    public var archives: [String]

    public init(interface: String, linkType: String, snapLength: Int, filter: String?, promiscuous: Bool,
                drops: CaptureDrops, stoppedBy: StopReason, archives: [String]) {
        self.interface = interface
        self.linkType = linkType
        self.snapLength = snapLength
        self.filter = filter
        self.promiscuous = promiscuous
        self.drops = drops
        self.stoppedBy = stoppedBy
        self.archives = archives
    }
}

/// The report's one input for a live run: the usual input object (path `live:IFACE`,
/// packets, bytes, packet path), with a `live` object (interface, filter, first/last,
/// drops, archives) and drops and failures as warnings and errors.
public enum LiveInputReport {
    public static func make(_ scan: InputScan, info: LiveCaptureInfo, captureError: String?, archiveError: String?) -> ReportInput {
        var input = ReportInput(index: 0, scan: scan)
        var warnings: [String] = []
        if info.drops.kernel > 0 {
            warnings.append("\(info.drops.kernel) packets dropped by the kernel (the capture buffer was full): findings may be missing; raise --buffer-size or narrow --bpf")
        }
        if info.drops.interface > 0 {
            warnings.append("\(info.drops.interface) packets dropped by the interface or its driver: findings may be missing")
        }
        if let archiveError { warnings.append("--write stopped: \(archiveError)") }
        let errors = captureError.map { [$0] } ?? []
        input.warnings += warnings
        input.errors += errors

        guard case var .object(members) = input.json else { return input }
        let s = scan.summary
        let live: JSON = .object([
            ("interface", .string(info.interface)),
            ("linkType", .string(info.linkType)),
            ("snapLength", .int(info.snapLength)),
            ("filter", .optional(info.filter)),
            ("promiscuous", .bool(info.promiscuous)),
            ("first", s.first.map { .string(Timestamps.rfc3339(nanoseconds: $0, fractionDigits: 9)) } ?? .null),
            ("last", s.last.map { .string(Timestamps.rfc3339(nanoseconds: $0, fractionDigits: 9)) } ?? .null),
            ("durationSeconds", s.durationSeconds.map { .double($0) } ?? .null),
            ("wireBytes", .int(s.wireBytes)),
            ("snapTruncatedPackets", .int(s.snapTruncatedPackets)),
            ("receivedByFilter", .int(Int64(clamping: info.drops.received))),
            ("kernelDrops", .int(Int64(clamping: info.drops.kernel))),
            ("interfaceDrops", .int(Int64(clamping: info.drops.interface))),
            ("stoppedBy", .string(info.stoppedBy.rawValue)),
            ("archives", .array(info.archives.map(JSON.string))),
        ])
        let at = (members.firstIndex { $0.0 == "bytes" } ?? members.count - 1) + 1
        members.insert(("live", live), at: at)
        for (i, m) in members.enumerated() {
            if m.0 == "warnings", case let .array(w) = m.1 {
                members[i].1 = .array(w + warnings.map { .object([("message", .string($0)), ("layer", .string("capture"))]) })
            }
            if m.0 == "errors", case let .array(e) = m.1 {
                members[i].1 = .array(e + errors.map { .object([("message", .string($0))]) })
            }
        }
        input.json = .object(members)
        return input
    }
}
