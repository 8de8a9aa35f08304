import CaptureFormats
import Pipeline
import WireBytes

/// The input object of docs/contract.md (`info --format json`, and `inputs` in the scan report).
extension CaptureSummary {
    public var json: JSON {
        var members: [(String, JSON)] = [
            ("path", .string(path)),
            ("format", .optional(formatName)),
            ("packets", .int(packets)),
            ("bytes", .int(bytes)),
        ]
        if format != nil {
            members += [
                ("compression", .array(compression.map { .string($0.rawValue) })),
                ("byteOrder", .string(bigEndian ? "big-endian" : "little-endian")),
                ("version", .string("\(version.major).\(version.minor)")),
                ("wireBytes", .int(wireBytes)),
                ("fileBytes", fileBytes.map { .int($0) } ?? .null),
                ("snapTruncatedPackets", .int(snapTruncatedPackets)),
                ("linkTypes", .array(linkTypes.map { .string($0.name) })),
                ("interfaces", .array(interfaces.enumerated().map { i, iface in
                    .object([
                        ("index", .int(i)),
                        ("section", .int(iface.section)),
                        ("linkType", .string(iface.linkType.name)),
                        ("linkTypeNumber", .int(Int(iface.linkType.rawValue))),
                        ("snapLength", .int(Int(iface.snapLength))),
                        ("timestampResolution", .string(iface.timestampResolution.description)),
                        ("name", .optional(iface.name)),
                        ("packets", .int(i < packetsPerInterface.count ? packetsPerInterface[i] : 0)),
                    ])
                })),
                ("first", first.map { .string(Timestamps.rfc3339(nanoseconds: $0, fractionDigits: fractionDigits)) } ?? .null),
                ("last", last.map { .string(Timestamps.rfc3339(nanoseconds: $0, fractionDigits: fractionDigits)) } ?? .null),
                ("durationSeconds", durationSeconds.map { .double($0) } ?? .null),
            ]
        }
        members.append(("warnings", .array(problems.filter { $0.severity == .warning }.map(\.json))))
        var errors = problems.filter { $0.severity == .error }.map(\.json)
        if let openError { errors.insert(.object([("message", .string(openError))]), at: 0) }
        members.append(("errors", .array(errors)))
        return .object(members)
    }

    /// `pcap`, `pcap-nsec`, `pcapng`, with `+lz4`/`+gzip` for each compression layer;
    /// `ipfix`, `netflow-v5`, `netflow-v9` for raw flow-log files.
    public var formatName: String? {
        if let v = flowLogVersion { return v == 10 ? "ipfix" : "netflow-v\(v)" }
        guard let format else { return nil }
        var name = format == .pcap ? (nanosecond ? "pcap-nsec" : "pcap") : "pcapng"
        for c in compression.reversed() { name += "+" + c.rawValue }
        return name
    }

    var fractionDigits: Int {
        (nanosecond || interfaces.contains { $0.timestampResolution.exponent > 6 }) ? 9 : 6
    }

    public var durationSeconds: Double? {
        guard let first, let last else { return nil }
        return Double(last - first) / 1e9
    }
}

extension CaptureProblem {
    public var json: JSON {
        var m: [(String, JSON)] = [
            ("message", .string(description)),
            ("layer", .string(error.layer.rawValue)),
            ("offset", .int(error.offset)),
        ]
        if count > 1 { m.append(("count", .int(count))) }
        return .object(m)
    }
}

/// capinfos-like text for people.
public enum InfoText {
    public static func render(_ s: CaptureSummary) -> String {
        var lines: [(String, String)] = [("File", s.path)]
        if let openError = s.openError {
            lines.append(("Error", openError))
            return format(lines)
        }
        let order = s.format == .pcap ? (s.bigEndian ? ", big-endian" : ", little-endian") : ""
        lines.append(("Format", "\(s.formatName ?? "?") (version \(s.version.major).\(s.version.minor)\(order))"))
        if let f = s.fileBytes { lines.append(("File size", "\(f) bytes")) }
        if s.format == .pcapng { lines.append(("Sections", "\(s.sections)")) }
        lines.append(("Link types", s.linkTypes.map(\.name).joined(separator: ", ")))
        lines.append(("Interfaces", "\(s.interfaces.count)"))
        for (i, iface) in s.interfaces.enumerated() {
            var d = "\(iface.linkType.name), snaplen \(iface.snapLength), \(iface.timestampResolution)"
            if iface.timestampOffset != 0 { d += ", offset \(iface.timestampOffset) s" }
            if let n = iface.name { d += ", \"\(n)\"" }
            d += ", \(i < s.packetsPerInterface.count ? s.packetsPerInterface[i] : 0) packets"
            lines.append(("  #\(i)", d))
        }
        lines.append(("Packets", "\(s.packets)"))
        lines.append(("Captured bytes", "\(s.bytes)"))
        lines.append(("Wire bytes", "\(s.wireBytes)"))
        lines.append(("Cut by snaplen", "\(s.snapTruncatedPackets) packets"))
        if let first = s.first, let last = s.last {
            lines.append(("First packet", Timestamps.rfc3339(nanoseconds: first, fractionDigits: s.fractionDigits)))
            lines.append(("Last packet", Timestamps.rfc3339(nanoseconds: last, fractionDigits: s.fractionDigits)))
            lines.append(("Duration", "\(s.durationSeconds ?? 0) s"))
        }
        for p in s.problems {
            lines.append((p.severity == .error ? "Error" : "Warning", p.description))
        }
        return format(lines)
    }

    static func format(_ lines: [(String, String)]) -> String {
        lines.map { k, v in
            let label = k + ":"
            return label + String(repeating: " ", count: max(1, 17 - label.count)) + VisibleText.escape(v)
        }.joined(separator: "\n") + "\n"
    }
}

/// An input read through the packet path: the input object plus what the path met.
extension InputScan {
    public var json: JSON {
        guard case var .object(members) = summary.json else { return summary.json }
        let s = stats
        var notes: [JSON] = []
        let evictedByTable = s.flows.evictedForCapacity - s.flows.evictedAcrossSegments
        if evictedByTable > 0 {
            notes.append(.object([("message", .string("\(evictedByTable) flows ended early: the flow table was full (\(s.flows.peakLiveFlows) live flows)")), ("layer", .string("flows"))]))
        }
        if s.flows.evictedAcrossSegments > 0 {
            notes.append(.object([("message", .string("\(s.flows.evictedAcrossSegments) flows ended early where segments join: more flows were live across a cut than the flow table holds (\(s.flows.maxFlows))")), ("layer", .string("flows"))]))
        }
        if s.deviceNamesDropped > 0 {
            notes.append(.object([("message", .string("\(s.deviceNamesDropped) device names (DHCP, NetBIOS) not kept: at most \(PacketStats.maxNamesPerDevice) per device and \(PacketStats.maxDeviceNameAddresses) devices per input")), ("layer", .string("names"))]))
        }
        if s.dnsNamesDropped > 0 {
            notes.append(.object([("message", .string("\(s.dnsNamesDropped) DNS answers not kept: the name map was full (\(s.dnsNameLimit) addresses); hostname matches for those addresses may be missing, so registry verdicts based on DNS names may differ")), ("layer", .string("dns"))]))
        }
        if s.fragments.incomplete > 0 {
            notes.append(.object([("message", .string("\(s.fragments.incomplete) fragmented datagrams never completed (their fragments are not in any flow)")), ("layer", .string("fragments"))]))
        }
        if s.fragments.overlaps > 0 || s.fragments.oversized > 0 {
            notes.append(.object([("message", .string("\(s.fragments.overlaps) overlapping and \(s.fragments.oversized) oversized fragments")), ("layer", .string("fragments"))]))
        }
        let decodeStops = s.decodeStops.values.reduce(0, +)
        if decodeStops > 0 {
            let byLayer = s.decodeStops.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            notes.append(.object([("message", .string("\(decodeStops) packets cut or malformed before their transport header (\(byLayer))")), ("layer", .string("packets"))]))
        }
        if s.flowLogs.setsWithoutTemplate > 0 {
            notes.append(.object([("message", .string("\(s.flowLogs.setsWithoutTemplate) NetFlow/IPFIX data sets arrived before or without their template: counted, not decoded")), ("layer", .string("netflow"))]))
        }
        if let i = members.firstIndex(where: { $0.0 == "warnings" }), case let .array(w) = members[i].1 {
            members[i].1 = .array(w + notes)
        }
        let errorsAt = members.firstIndex { $0.0 == "warnings" } ?? members.count
        members.insert(("packetPath", .object([
            ("flowPackets", .int(s.flowPackets)),
            ("nonIP", .int(s.nonIP)),
            ("tunnelled", .int(s.tunnelled)),
            ("decodeStops", .object(s.decodeStops.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("fragments", .object([("fragments", .int(s.fragments.fragments)), ("reassembled", .int(s.fragments.reassembled)),
                                   ("incomplete", .int(s.fragments.incomplete)), ("overlaps", .int(s.fragments.overlaps)),
                                   ("oversized", .int(s.fragments.oversized))])),
            ("flows", .object([("created", .int(s.flows.flowsCreated)), ("peakLive", .int(s.flows.peakLiveFlows)),
                               ("evictedForCapacity", .int(s.flows.evictedForCapacity))])),
            ("flowLogs", .object([("messages", .int(s.flowLogs.messages)), ("dataRecords", .int(s.flowLogs.dataRecords)),
                                  ("optionRecords", .int(s.flowLogs.optionRecords)), ("templates", .int(s.flowLogs.templates)),
                                  ("setsWithoutTemplate", .int(s.flowLogs.setsWithoutTemplate)), ("malformed", .int(s.flowLogs.malformed))])),
        ])), at: errorsAt)
        return .object(members)
    }
}
