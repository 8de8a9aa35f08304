import CaptureFormats
import Foundation
import Pipeline
import Reporting
import Testing
import TestSupport


@Suite(.enabled(if: Fixtures.available, Fixtures.skipMessage))
struct InfoTests {
    @Test func summaryOfACompressedPcapng() throws {
        let s = CaptureSummary.read(.file(Fixtures.root + "/compressed/quic-v2.pcapng.lz4"))
        #expect(s.formatName == "pcapng+lz4")
        #expect(s.packets == 19)
        #expect(s.linkTypes.map(\.name) == ["linux-sll"])
        #expect(s.interfaces.first?.name == "any")
        #expect(!s.hasErrors)
        let json = s.json.rendered()
        #expect(json.contains("\"first\":\"2022-12-20T09:20:48.896780491Z\""))
        #expect(json.hasPrefix("{\"path\":"))
    }

    @Test func directoriesAreSearchedRecursivelyInOrder() {
        let inputs = Inputs.expand([Fixtures.root + "/pcapng-test-generator"])
        let paths = inputs.map(\.displayPath)
        #expect(paths == paths.sorted())
        #expect(paths.filter { $0.hasSuffix(".pcapng") }.count == 42)
        #expect(Inputs.expand(["/nonexistent/x.pcap"]) == [.unreadable("/nonexistent/x.pcap", "/nonexistent/x.pcap: no such file or directory")])
    }

    @Test func unreadableInputsAreReportedAndOthersKept() {
        let summaries = Inputs.expand([Fixtures.root + "/compressed"]).map(CaptureSummary.read)
        #expect(summaries.count == 3)
        let legacy = summaries.first { $0.path.hasSuffix("legacy.lz4") }
        #expect(legacy?.hasErrors == true)
        #expect(legacy?.openError?.contains("legacy LZ4") == true)
        #expect(summaries.filter { !$0.hasErrors }.map(\.packets).sorted() == [19, 102])
    }

    @Test func standardInputIsReadThroughAPipe() throws {
        let data = try #require(FileManager.default.contents(atPath: Fixtures.root + "/ndpi/pcap/dnp3.pcap"))
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writeEnd = fds[1]
        let writer = Thread {
            data.withUnsafeBytes { raw in
                var off = 0
                while off < raw.count {
                    let n = write(writeEnd, raw.baseAddress! + off, min(4096, raw.count - off))
                    if n <= 0 { break }
                    off += n
                }
            }
            close(writeEnd)
        }
        writer.start()
        var reader = try CaptureReader.open(descriptor: fds[0])
        var n = 0
        while reader.next() != nil { n += 1 }
        close(fds[0])
        #expect(n == 543)
        #expect(reader.format == .pcapng)
    }
}

@Suite struct TimestampTests {
    @Test func rfc3339() {
        #expect(Timestamps.rfc3339(nanoseconds: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(Timestamps.rfc3339(nanoseconds: 1_700_000_000_123_456_789, fractionDigits: 9) == "2023-11-14T22:13:20.123456789Z")
        #expect(Timestamps.rfc3339(nanoseconds: 951_782_400_000_000_000) == "2000-02-29T00:00:00.000000Z")
        #expect(Timestamps.rfc3339(nanoseconds: -1_000) == "1969-12-31T23:59:59.999999Z")
    }

    @Test func jsonIsStableAndEscaped() {
        let v = JSON.object([("b", .int(1)), ("a", .array([.string("x\"\n\u{1}"), .null, .bool(true), .double(1.5)]))])
        #expect(v.rendered() == #"{"b":1,"a":["x\"\n\u0001",null,true,1.5]}"#)
    }
}
