import Flows
import Foundation
import Pipeline
import Policy
import Reporting
import Testing
import WireBytes

/// Captures made to exhaust memory: many one-packet flows across many segments, and
/// more DNS answers than the name map keeps. Every structure stays within its limit
/// (set small here), reaching it is counted and noted on the input, and the report is
/// the same for any worker count.
@Suite struct HostileMemoryTests {
    static let flows = 3000
    /// Segments of 4 KiB hold ~58 SYNs each: the table never fills, the stitcher does.
    static let segmentBytes = 4096

    static func config(maxFlows: Int = 256, dnsNames: Int? = nil) -> FlowTableConfig {
        var c = FlowTableConfig()
        c.maxFlows = maxFlows
        if let dnsNames { c.dnsNames = dnsNames }
        return c
    }

    /// One TCP SYN per flow, each from its own source, 1 ms apart (nothing times out).
    static let synCapture: String = {
        var pcap = TestPcap()
        for i in 0 ..< flows {
            let source: [UInt8] = [100, UInt8(i >> 16 & 0xff), UInt8(i >> 8 & 0xff), UInt8(i & 0xff)]
            pcap.append(time: Int64(i) * 1_000_000, frame: TestPcap.tcpSYN(from: source, port: 40000, to: [10, 0, 0, 1], port: 443))
        }
        let path = NSTemporaryDirectory() + "borderflow-hostile-syn-\(getpid()).pcap"
        try? pcap.write(to: path)
        return path
    }()

    @Test func carriedFlowsStayWithinTheFlowLimit() throws {
        let config = Self.config()
        var ends: [FlowEnd] = []
        let scan = FlowScan.runOne(.file(Self.synCapture), index: 0, config: config, segmentBytes: Self.segmentBytes) { r in
            ends.append(r.flow.end)
        }
        #expect(scan.summary.packets == Self.flows)
        #expect(ends.count == Self.flows)
        // What is still carried at the end of the input ends there: never more than the limit.
        let atEnd = ends.filter { $0 == .endOfInput }.count
        #expect(atEnd > 0 && atEnd <= config.maxFlows)
        let evicted = ends.filter { $0 == .evicted }.count
        #expect(evicted == Self.flows - atEnd)
        #expect(scan.stats.flows.evictedForCapacity == evicted)
        #expect(scan.stats.flows.evictedAcrossSegments == evicted)
        #expect(scan.stats.flows.peakLiveFlows < config.maxFlows)
    }

    @Test func evictionAcrossSegmentsIsNotedAndTheSameForAnyWorkerCount() throws {
        let policy = try BatchTests.policy()
        let config = Self.config()
        let reports = [1, 2].map { jobs in
            BatchTests.render(Scan.run([.file(Self.synCapture)], policy: policy, config: config, keepFlows: true, jobs: jobs,
                                       segmentBytes: Self.segmentBytes))
        }
        #expect(reports[0] == reports[1])
        // Every flow but the last 256 carried was evicted.
        #expect(reports[0].contains("\(Self.flows - 256) flows ended early where segments join: more flows were live across a cut than the flow table holds (256)"))
    }

    /// Queries and answers naming 120 addresses, one each, to a name map of 8.
    static let dnsCapture: String = {
        var pcap = TestPcap()
        for i in 0 ..< 120 {
            let client: [UInt8] = [192, 168, 1, 10]
            let resolver: [UInt8] = [192, 168, 1, 1]
            let port = UInt16(20000 + i)
            let time = Int64(i) * 2_000_000
            pcap.append(time: time, frame: TestPcap.dns(from: client, port: port, to: resolver, port: 53, id: UInt16(i), name: "d\(i).example", answer: nil))
            pcap.append(time: time + 1_000_000, frame: TestPcap.dns(from: resolver, port: 53, to: client, port: port, id: UInt16(i), name: "d\(i).example",
                                                                    answer: [198, 51, 100, UInt8(i)]))
        }
        let path = NSTemporaryDirectory() + "borderflow-hostile-dns-\(getpid()).pcap"
        try? pcap.write(to: path)
        return path
    }()

    @Test(arguments: [1 << 40, 4096])
    func droppedDNSAnswersAreNoted(segmentBytes: Int) throws {
        let config = Self.config(maxFlows: 1 << 20, dnsNames: 8)
        let scan = FlowScan.runOne(.file(Self.dnsCapture), index: 0, config: config, segmentBytes: segmentBytes) { _ in }
        #expect(scan.summary.packets == 240)
        // Each segment's map, and the input's map the segments are merged into, keep 8.
        #expect(scan.stats.dnsNamesDropped >= 120 - 8)
        let policy = try BatchTests.policy()
        let reports = [1, 2].map { jobs in
            BatchTests.render(Scan.run([.file(Self.dnsCapture)], policy: policy, config: config, keepFlows: true, jobs: jobs,
                                       segmentBytes: segmentBytes))
        }
        #expect(reports[0] == reports[1])
        #expect(reports[0].contains("\(scan.stats.dnsNamesDropped) DNS answers not kept: the name map was full (8 addresses)"))
    }
}

/// Floods of invented sources and servers against the per-report aggregates: the
/// devices of one finding, the findings, the device and server pairs and the
/// maintenance log each keep the smallest of what they were offered, count the rest,
/// and come out the same whatever order flows end in or workers merge.
@Suite struct HostileAggregateTests {
    /// A server the test geo data places abroad, with no registry entry.
    static let foreign: [UInt8] = [34, 120, 5, 9]

    /// `sources` SYNs to the foreign server, each from its own source.
    static func sourceFlood(_ sources: Int) throws -> String {
        var pcap = TestPcap()
        for i in 0 ..< sources {
            let source: [UInt8] = [100, 64 + UInt8(i >> 16 & 0x3f), UInt8(i >> 8 & 0xff), UInt8(i & 0xff)]
            pcap.append(time: Int64(i) * 1_000_000, frame: TestPcap.tcpSYN(from: source, port: 40000, to: foreign, port: 443))
        }
        let path = NSTemporaryDirectory() + "borderflow-source-flood-\(getpid())-\(sources).pcap"
        try pcap.write(to: path)
        return path
    }

    @Test func aFindingKeepsTheSmallestDevicesAndSaysSo() throws {
        let path = try Self.sourceFlood(Finding.maxDevices + 500)
        defer { unlink(path) }
        let policy = try BatchTests.policy()
        let results = [1, 2].map { jobs in Scan.run([.file(path)], policy: policy, jobs: jobs, segmentBytes: 16384) }
        #expect(BatchTests.render(results[0]) == BatchTests.render(results[1]))
        let finding = try #require(results[0].findings.sorted.first { $0.rule == .unregisteredOverseasServer })
        #expect(finding.flows == Finding.maxDevices + 500)
        #expect(finding.devices.isTruncated)
        let devices = finding.devices.sorted()
        #expect(devices.count == Finding.maxDevices)
        #expect(devices.first == IPAddress("100.64.0.0"))
        #expect(devices.last == IPAddress("100.64.15.255"))
        let report = ScanReport(result: results[0], home: ["CN"], version: "test", includeFlows: false)
        #expect(report.json.rendered(pretty: true).contains("\"devicesTruncated\": true"))
        #expect(ScanText.render(report, colour: false).contains("more than \(Finding.maxDevices) devices"))
    }

    @Test func aLongTextReportShowsTheFirstFindingsAndCountsTheRest() throws {
        var pcap = TestPcap()
        for i in 0 ..< ScanText.maxFindings + 50 {
            pcap.append(time: Int64(i) * 1_000_000, frame: TestPcap.tcpSYN(from: [100, 64, 2, 1], port: UInt16(40000 + i),
                                                                           to: [5, 0, UInt8(i >> 8), UInt8(i & 0xff)], port: 443))
        }
        let path = NSTemporaryDirectory() + "borderflow-many-findings-\(getpid()).pcap"
        try pcap.write(to: path)
        defer { unlink(path) }
        let result = Scan.run([.file(path)], policy: try BatchTests.policy())
        let text = ScanText.render(ScanReport(result: result, home: ["CN"], version: "test", includeFlows: false), colour: false)
        #expect(text.components(separatedBy: "unknown-destination  5.0.").count - 1 == ScanText.maxFindings)
        #expect(text.contains("… and 50 more: \(ScanText.maxFindings + 50) findings in all (unknown-destination \(ScanText.maxFindings + 50)); every one is in --format json, csv or html"))
        #expect(text.contains("  ??  \(ScanText.maxFindings + 50) servers  \(ScanText.maxFindings + 50) flows"))
    }

    /// 40 SSH sessions from their own sources to the foreign server (two findings,
    /// 40 pairs, 40 maintenance sessions) and 40 SYNs to unplaced servers (40 findings).
    static let mixed: String = {
        var pcap = TestPcap()
        let banner = Array("SSH-2.0-OpenSSH_9.6\r\n".utf8)
        for i in 0 ..< 40 {
            let source: [UInt8] = [100, 64, 1, UInt8(i)]
            let time = Int64(i) * 10_000_000
            pcap.append(time: time, frame: TestPcap.tcpSYN(from: source, port: 40000, to: foreign, port: 22))
            pcap.append(time: time + 1_000_000, frame: TestPcap.tcp(from: source, port: 40000, to: foreign, port: 22, flags: 0x18,
                                                                     sequence: 2, payload: banner))
            pcap.append(time: time + 2_000_000, frame: TestPcap.tcpSYN(from: source, port: 40001, to: [5, 0, 0, UInt8(i)], port: 443))
        }
        let path = NSTemporaryDirectory() + "borderflow-hostile-mixed-\(getpid()).pcap"
        try? pcap.write(to: path)
        return path
    }()

    static func limited() -> ScanResult {
        var r = ScanResult()
        r.findings = FindingAggregator(limit: 8)
        r.edgeLimit = 8
        r.sessionLimit = 8
        return r
    }

    @Test func findingsPairsAndSessionsBeyondTheirLimitsAreCountedInAnyOrder() throws {
        let policy = try BatchTests.policy()
        var records: [FlowRecord] = []
        let scan = FlowScan.runOne(.file(Self.mixed), index: 0, config: FlowTableConfig(), segmentBytes: 1 << 40) { records.append($0) }
        #expect(scan.summary.packets == 120)
        #expect(records.count == 80)
        func result(_ records: [FlowRecord]) -> ScanResult {
            var r = Self.limited()
            for record in records { r.add(record, policy: policy, keepFlows: false) }
            r.finish()
            return r
        }
        let forward = result(records)
        let backward = result(records.reversed())
        var merged = Self.limited()
        merged.merge(result(Array(records[40...])))
        merged.merge(result(Array(records[..<40])))
        merged.finish()
        let rendered = [forward, backward, merged].map { BatchTests.render($0) }
        #expect(rendered[0] == rendered[1])
        #expect(rendered[0] == rendered[2])

        // 42 findings to 8: unregistered 34.120.5.9, then the 7 smallest unplaced servers.
        let kept = forward.findings.sorted
        #expect(kept.count == 8)
        #expect(kept.filter { $0.rule == .unknownDestination }.map(\.server.description)
            == (0 ..< 7).map { "5.0.0.\($0)" })
        #expect(!kept.contains { $0.rule == .remoteMaintenance })
        #expect(forward.findingFlowsLeftOut == 40 + 33)
        #expect(forward.crossBorder.count == 8)
        #expect(forward.limits.crossBorderFlowsLeftOut == 32)
        #expect(forward.maintenanceSessions.count == 8)
        #expect(forward.maintenanceSessions.map(\.flow.client.description) == (0 ..< 8).map { "100.64.1.\($0)" })
        #expect(forward.limits.maintenanceSessionsLeftOut == 32)
        #expect(forward.limitsReached.map(\.aggregate) == ["findings", "crossBorderPairs", "maintenanceSessions"])
        let report = ScanReport(result: forward, home: ["CN"], version: "test", includeFlows: false)
        #expect(report.json.rendered(pretty: true).contains("\"limitsReached\""))
        #expect(ScanText.render(report, colour: false).contains("warning: findings limit (8) reached: 73 flows"))
        // A saved result read back keeps what it left out.
        let partial = PartialReport(result: forward, home: ["CN"], tool: "test", totalInputs: 1, includeFlows: false)
        let restored = try PartialReport.decode(partial.encoded(), path: "saved").result
        #expect(restored.limitsReached.map(\.leftOut) == [73, 32, 32])
    }
}

/// A little-endian microsecond pcap of Ethernet frames, built in memory.
struct TestPcap {
    private var bytes: [UInt8] = []

    init() {
        bytes += le32(0xA1B2_C3D4) + le16(2) + le16(4) + le32(0) + le32(0) + le32(65535) + le32(1)
    }

    mutating func append(time nanoseconds: Int64, frame: [UInt8]) {
        let seconds = UInt32(1_700_000_000 + nanoseconds / 1_000_000_000)
        let micros = UInt32(nanoseconds % 1_000_000_000 / 1000)
        bytes += le32(seconds) + le32(micros) + le32(UInt32(frame.count)) + le32(UInt32(frame.count)) + frame
    }

    func write(to path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }

    static func tcpSYN(from source: [UInt8], port sourcePort: UInt16, to destination: [UInt8], port destinationPort: UInt16) -> [UInt8] {
        tcp(from: source, port: sourcePort, to: destination, port: destinationPort, flags: 0x02, sequence: 1, payload: [])
    }

    static func tcp(from source: [UInt8], port sourcePort: UInt16, to destination: [UInt8], port destinationPort: UInt16,
                    flags: UInt8, sequence: UInt32, payload: [UInt8]) -> [UInt8] {
        let tcp = be16(sourcePort) + be16(destinationPort) + be32(sequence) + be32(0) + [0x50, flags] + be16(65535) + be16(0) + be16(0)
        return ethernet + ipv4(protocol: 6, from: source, to: destination, payload: tcp + payload)
    }

    /// A DNS query for `name` (type A), or its answer when `answer` is given.
    static func dns(from source: [UInt8], port sourcePort: UInt16, to destination: [UInt8], port destinationPort: UInt16,
                    id: UInt16, name: String, answer: [UInt8]?) -> [UInt8] {
        var message = be16(id) + be16(answer == nil ? 0x0100 : 0x8180) + be16(1) + be16(answer == nil ? 0 : 1) + be16(0) + be16(0)
        for label in name.split(separator: ".") { message += [UInt8(label.utf8.count)] + Array(label.utf8) }
        message += [0] + be16(1) + be16(1)
        if let answer { message += [0xC0, 0x0C] + be16(1) + be16(1) + be32(60) + be16(4) + answer }
        let udp = be16(sourcePort) + be16(destinationPort) + be16(UInt16(8 + message.count)) + be16(0) + message
        return ethernet + ipv4(protocol: 17, from: source, to: destination, payload: udp)
    }

    private static let ethernet: [UInt8] = [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]

    private static func ipv4(protocol p: UInt8, from source: [UInt8], to destination: [UInt8], payload: [UInt8]) -> [UInt8] {
        [0x45, 0] + be16(UInt16(20 + payload.count)) + be16(1) + [0x40, 0, 64, p] + be16(0) + source + destination + payload
    }
}

private func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
private func le32(_ v: UInt32) -> [UInt8] { le16(UInt16(v & 0xffff)) + le16(UInt16(v >> 16)) }
private func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }
private func be32(_ v: UInt32) -> [UInt8] { be16(UInt16(v >> 16)) + be16(UInt16(v & 0xffff)) }
