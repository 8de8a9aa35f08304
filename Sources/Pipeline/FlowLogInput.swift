import CaptureFormats
import FlowLogs
import Flows
import WireBytes

/// Flow-log records (NetFlow v5/v9, IPFIX) as flow records of docs/contract.md.
public enum FlowLogConversion {
    /// An exporter reports one direction: the side with a service port (and not the
    /// other) is the server; otherwise the source is taken as the client.
    public static func record(_ r: FlowLogRecord, input: Int) -> FlowRecord {
        let swap = ServicePorts.isService(r.sourcePort) && !ServicePorts.isService(r.destinationPort)
        let flow = OrientedFlow(
            first: r.first, last: r.last, ipProtocol: r.ipProtocol, vlan: 0,
            client: swap ? r.destination : r.source, clientPort: swap ? r.destinationPort : r.sourcePort,
            server: swap ? r.source : r.destination, serverPort: swap ? r.sourcePort : r.destinationPort,
            packetsToServer: swap ? 0 : r.packets, packetsToClient: swap ? r.packets : 0,
            bytesToServer: swap ? 0 : r.octets, bytesToClient: swap ? r.octets : 0,
            clientFlags: swap ? 0 : r.tcpFlags, serverFlags: swap ? r.tcpFlags : 0, tunnelled: false, end: .endOfInput)
        return FlowRecord(flow: flow, source: r.version == 10 ? .ipfix : .netflow, input: input)
    }
}

extension CaptureSummary {
    /// A raw flow-log file (concatenated export messages): decoded into `emit`.
    /// Returns nil when the file is not one.
    static func readFlowLogFile(_ path: String, input: Int, stats: inout FlowLogStats, emit: (consuming FlowRecord) -> Void) -> CaptureSummary? {
        guard let file = try? MappedFile(path: path), let version = FlowLogFile.sniff(file.bytes) else { return nil }
        var summary = CaptureSummary(path: path)
        summary.flowLogVersion = version
        summary.fileBytes = file.bytes.count
        var decoder = FlowLogDecoder()
        let messages = FlowLogFile.messages(file.bytes)
        var end = 0
        for range in messages {
            decoder.decode(file.bytes.view(range.lowerBound, range.count), exporter: .zero) { emit(FlowLogConversion.record($0, input: input)) }
            end = range.upperBound
        }
        summary.packets = 0
        summary.bytes = end
        if end < file.bytes.count {
            summary.problems.append(CaptureProblem(severity: .error, error: .malformed(.netflow, "not an export message: the file's framing stops here", at: end),
                                                   note: "messages before it were read", count: 1, decompressedOffset: false))
        }
        if let at = file.shrankAt {
            summary.problems.append(CaptureProblem(severity: .error, error: .malformed(.file, "the file shrank while it was read (another program truncated or rewrote it)", at: at),
                                                   note: "the messages before this offset are in the results", count: 1, decompressedOffset: false))
        }
        for e in decoder.problems {
            summary.problems.append(CaptureProblem(severity: .warning, error: e, note: "", count: 1, decompressedOffset: false))
        }
        stats = decoder.stats
        return summary
    }
}
