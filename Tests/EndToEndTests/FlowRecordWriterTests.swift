import Flows
import Foundation
import Reporting
import Testing
import Verdicts
import WireBytes

/// The `flows` command's writer builds lines byte by byte in reserved room; what it
/// writes must be the JSON report's record, field for field, at the edges too: the
/// extremes of time and counters, IPv6, and names that need escaping.
@Suite struct FlowRecordWriterTests {
    static func record(first: Int64, last: Int64, client: String, server: String, counters: UInt64,
                       hostname: String?, vlan: UInt16) -> FlowRecord {
        let flow = OrientedFlow(first: first, last: last, ipProtocol: 6, vlan: vlan, client: IPAddress(client)!, clientPort: 0,
                                server: IPAddress(server)!, serverPort: 65535, packetsToServer: counters, packetsToClient: 0,
                                bytesToServer: counters, bytesToClient: 9, tunnelled: vlan != 0, end: .closed)
        var r = FlowRecord(flow: flow, app: .mqtt, category: .telemetry, hostname: hostname, serverCountry: "DE",
                           crossBorder: true, registry: .unregistered, input: 0)
        r.clientCountry = vlan == 0 ? nil : "CN"
        r.inbound = vlan != 0
        return r
    }

    static let records: [FlowRecord] = [
        record(first: 0, last: 999_999_999, client: "10.0.0.1", server: "255.255.255.255", counters: 0, hostname: nil, vlan: 0),
        record(first: -1, last: Int64.max, client: "2001:db8::1", server: "::ffff:1.2.3.4", counters: UInt64(Int64.max),
               hostname: "a\"b\\c\u{1}\u{1f}é.example", vlan: 4095),
        record(first: Int64.min + 1, last: 1_772_438_400_123_456_789, client: "::", server: "fe80::1:2:3:4", counters: 7,
               hostname: "", vlan: 1),
    ]

    @Test func ndjsonLinesAreTheReportsRecords() throws {
        var writer = FlowRecordWriter()
        for r in Self.records { writer.ndjson(r) }
        let lines = String(decoding: writer.buffer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == Self.records.count + 1 && lines.last == "")
        for (line, r) in zip(lines, Self.records) {
            let parsed = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let f = r.flow
            #expect(parsed["first"] as? String == Timestamps.rfc3339(nanoseconds: f.first, fractionDigits: 6))
            #expect(parsed["last"] as? String == Timestamps.rfc3339(nanoseconds: f.last, fractionDigits: 6))
            #expect(parsed["clientIp"] as? String == f.client.description)
            #expect(parsed["serverIp"] as? String == f.server.description)
            #expect((parsed["serverPort"] as? NSNumber)?.intValue == 65535)
            #expect((parsed["packetsToServer"] as? NSNumber)?.uint64Value == f.packetsToServer)
            #expect(parsed["hostname"] as? String == r.hostname)
            #expect((parsed["vlan"] as? NSNumber)?.intValue == (f.vlan == 0 ? nil : Int(f.vlan)))
            #expect(parsed["clientCountry"] as? String == r.clientCountry)
            #expect(parsed["inbound"] as? Bool == r.inbound)
            #expect(parsed.count == FlowRecordReport.columns.count)
        }
    }

    @Test func csvRowsHaveEveryColumnAndQuoteWhatNeedsIt() {
        var writer = FlowRecordWriter()
        var r = Self.records[0]
        r.hostname = "a,\"b\"\nc"
        writer.csv(r)
        let row = String(decoding: writer.buffer, as: UTF8.self)
        #expect(row == "1970-01-01T00:00:00.000000Z,1970-01-01T00:00:00.999999Z,tcp,10.0.0.1,0,255.255.255.255,65535,0,0,0,9,"
            + "mqtt,telemetry,\"a,\"\"b\"\"\nc\",DE,true,unregistered,packets,,false,closed,,false,payload,\"payload: mqtt\",abroad,,,\n")
    }

    /// The writer's evidence, written in pieces, is the record's evidence text, for each kind.
    @Test func evidenceIsTheRecordsText() throws {
        var r = Self.records[0]
        r.app = .tls
        r.category = .telemetry
        for (kind, offered) in [(CategoryEvidence.payload, AppProtocol.unknown), (.alpn, .mqtt), (.port, .mqtt)] {
            r.categoryEvidence = kind
            r.offered = offered
            var writer = FlowRecordWriter()
            writer.ndjson(r)
            let line = try #require(try JSONSerialization.jsonObject(with: Data(writer.buffer)) as? [String: Any])
            #expect(line["evidence"] as? String == r.evidence)
            #expect(line["categoryEvidence"] as? String == kind.name)
        }
        #expect(r.evidence == "port: tls to 65535, the port of mqtt over TLS (a hint)")
    }
}
