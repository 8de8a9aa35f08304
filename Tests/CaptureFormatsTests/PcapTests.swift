import CaptureFormats
import Testing
import WireBytes

@Suite struct PcapTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func readsAllFourMagics(bigEndian: Bool, nano: Bool) {
        let packets = [CaptureBuilder.frame(60), CaptureBuilder.frame(1514, seed: 3), CaptureBuilder.frame(0)]
        let file = CaptureBuilder.pcap(bigEndian: bigEndian, nano: nano, packets: packets)
        let r = readAll(file)
        #expect(r.openError == nil)
        #expect(r.packets == 3)
        #expect(r.bytes == 60 + 1514)
        #expect(r.problems.isEmpty)
        let unit: Int64 = nano ? 1 : 1000
        #expect(r.timestamps == [1_600_000_000 * 1_000_000_000, 1_600_000_001 * 1_000_000_000 + unit, 1_600_000_002 * 1_000_000_000 + 2 * unit])
    }

    @Test func streamedReadingEqualsMappedReading() {
        let packets = (0 ..< 50).map { CaptureBuilder.frame(($0 * 37) % 1600, seed: UInt8($0)) }
        let file = CaptureBuilder.pcap(packets: packets)
        let mapped = readAll(file)
        for chunk in [1, 3, 7, 64, 4096] {
            #expect(readAll(file, chunked: chunk) == mapped, "chunk \(chunk)")
        }
    }

    @Test func cutInsideLastPacketIsAWarning() {
        let file = CaptureBuilder.pcap(packets: [CaptureBuilder.frame(100), CaptureBuilder.frame(100)])
        let cut = Array(file.dropLast(10))
        let r = readAll(cut)
        #expect(r.packets == 1)
        #expect(r.problems.count == 1)
        let p = r.problems[0]
        #expect(p.severity == .warning)
        #expect(p.error == WireError.truncated(.pcapRecord, needed: 116, available: 106, at: 24 + 116))
    }

    @Test func impossibleLengthIsAnErrorWithOffset() {
        var file = CaptureBuilder.pcap(packets: [CaptureBuilder.frame(10), CaptureBuilder.frame(10)])
        // Second record's captured length: header 24 + first record 26, field at +8.
        let at = 24 + 26 + 8
        file.replaceSubrange(at ..< at + 4, with: [0xFF, 0xFF, 0xFF, 0x7F])
        let r = readAll(file)
        #expect(r.packets == 1)
        #expect(r.problems.map(\.severity) == [.error])
        #expect(r.problems[0].error.offset == 24 + 26)
    }

    @Test func headerOnlyCaptureHasNoPackets() {
        let r = readAll(CaptureBuilder.pcap(packets: []))
        #expect(r.openError == nil && r.packets == 0 && r.problems.isEmpty)
    }

    @Test func refusesWhatIsNotACapture() {
        #expect(readAll([]).openError?.contains("empty") == true)
        #expect(readAll([1, 2]).openError?.contains("truncated") == true)
        #expect(readAll(Array("hello world".utf8)).openError?.contains("not a capture") == true)
        #expect(readAll([0x02, 0x21, 0x4C, 0x18, 0, 0, 0, 0]).openError?.contains("legacy LZ4") == true)
        let truncatedHeader = Array(CaptureBuilder.pcap(packets: []).prefix(20))
        #expect(readAll(truncatedHeader).openError?.contains("truncated") == true)
    }

    @Test func badTimestampFractionIsCountedNotDropped() {
        var file = CaptureBuilder.pcap(packets: [CaptureBuilder.frame(10), CaptureBuilder.frame(10)])
        file.replaceSubrange(28 ..< 32, with: [0xFF, 0xFF, 0xFF, 0xFF])
        file.replaceSubrange(28 + 26 ..< 32 + 26, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let r = readAll(file)
        #expect(r.packets == 2)
        #expect(r.problems.count == 1 && r.problems[0].count == 2 && r.problems[0].severity == .warning)
    }
}
