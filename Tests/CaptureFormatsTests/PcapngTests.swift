import CaptureFormats
import Testing
import WireBytes

@Suite struct PcapngTests {
    @Test(arguments: [false, true])
    func sectionsInterfacesAndResolutions(bigEndian: Bool) {
        var b = Bytes(bigEndian: bigEndian)
        CaptureBuilder.sectionHeader(&b)
        CaptureBuilder.interface(&b, linkType: 1)                            // microseconds
        CaptureBuilder.interface(&b, linkType: 101, tsresol: 9, tsoffset: 10) // ns, +10 s
        CaptureBuilder.interface(&b, linkType: 113, tsresol: 0x80 | 10)     // 2^-10 s
        CaptureBuilder.enhancedPacket(&b, interface: 0, timestamp: 1_500_000, packet: CaptureBuilder.frame(60))
        CaptureBuilder.enhancedPacket(&b, interface: 1, timestamp: 2_000_000_001, packet: CaptureBuilder.frame(61))
        CaptureBuilder.enhancedPacket(&b, interface: 2, timestamp: 3 * 1024 + 512, packet: CaptureBuilder.frame(62))
        CaptureBuilder.block(&b, type: 5, body: [UInt8](repeating: 0, count: 12))   // statistics: skipped
        CaptureBuilder.block(&b, type: 0xBAD, body: [1, 2, 3, 4, 5])                 // custom: skipped
        CaptureBuilder.block(&b, type: 0x4242, body: [])                             // unknown: skipped
        // A second section in the other byte order, with its own interface numbering.
        var c = Bytes(bigEndian: !bigEndian)
        CaptureBuilder.sectionHeader(&c)
        CaptureBuilder.interface(&c, linkType: 1, snap: 20)
        CaptureBuilder.enhancedPacket(&c, interface: 0, timestamp: 7_000_000, packet: CaptureBuilder.frame(70))
        CaptureBuilder.simplePacket(&c, packet: CaptureBuilder.frame(30))
        let file = b.data + c.data
        let r = readAll(file)
        #expect(r.openError == nil)
        #expect(r.problems.isEmpty)
        #expect(r.packets == 5)
        #expect(r.interfaces == [0, 1, 2, 3, 3])
        #expect(r.bytes == 60 + 61 + 62 + 70 + 20)   // the simple packet is cut to the snap length
        #expect(r.timestamps == [1_500_000_000, 12_000_000_001, 3_500_000_000, 7_000_000_000, PacketRecord.noTimestamp])
        for chunk in [1, 5, 64] { #expect(readAll(file, chunked: chunk) == r) }
    }

    @Test func undeclaredInterfaceIsReportedAndSkipped() {
        var b = Bytes()
        CaptureBuilder.sectionHeader(&b)
        CaptureBuilder.interface(&b)
        CaptureBuilder.enhancedPacket(&b, interface: 5, timestamp: 0, packet: CaptureBuilder.frame(10))
        CaptureBuilder.enhancedPacket(&b, interface: 0, timestamp: 0, packet: CaptureBuilder.frame(10))
        let r = readAll(b.data)
        #expect(r.packets == 1)
        #expect(r.problems.count == 1 && r.problems[0].severity == .error)
        #expect(r.problems[0].error.offset == 28 + 20)
    }

    @Test func badBlockLengthStopsWithOffset() {
        var b = Bytes()
        CaptureBuilder.sectionHeader(&b)
        CaptureBuilder.interface(&b)
        let at = b.data.count
        CaptureBuilder.enhancedPacket(&b, timestamp: 0, packet: CaptureBuilder.frame(10))
        b.data[at + 4] = 0x0D  // not a multiple of 4
        let r = readAll(b.data)
        #expect(r.packets == 0)
        #expect(r.problems.first?.error.offset == at + 4)
        #expect(r.problems.first?.severity == .error)
    }

    @Test func mismatchedTrailerIsAnError() {
        var b = Bytes()
        CaptureBuilder.sectionHeader(&b)
        CaptureBuilder.interface(&b)
        CaptureBuilder.enhancedPacket(&b, timestamp: 0, packet: CaptureBuilder.frame(10))
        b.data[b.data.count - 4] ^= 0x04
        let r = readAll(b.data)
        #expect(r.packets == 0 && r.problems.first?.severity == .error)
    }

    @Test func cutInsideLastBlockIsAWarning() {
        var b = Bytes()
        CaptureBuilder.sectionHeader(&b)
        CaptureBuilder.interface(&b)
        CaptureBuilder.enhancedPacket(&b, timestamp: 0, packet: CaptureBuilder.frame(10))
        CaptureBuilder.enhancedPacket(&b, timestamp: 0, packet: CaptureBuilder.frame(10))
        let r = readAll(Array(b.data.dropLast(5)))
        #expect(r.packets == 1)
        #expect(r.problems.map(\.severity) == [.warning])
    }

    @Test func onlySectionHeaderMeansZeroPackets() {
        var b = Bytes()
        CaptureBuilder.sectionHeader(&b)
        let r = readAll(b.data)
        #expect(r.packets == 0 && r.problems.isEmpty && r.openError == nil)
    }

    @Test func timestampResolutionConversions() {
        #expect(TimestampResolution.micro.nanoseconds(1_000_001) == 1_000_001_000)
        #expect(TimestampResolution.nano.nanoseconds(5) == 5)
        #expect(TimestampResolution(exponent: 12, binary: false).nanoseconds(5_000) == 5)
        #expect(TimestampResolution(exponent: 0, binary: false).nanoseconds(3) == 3_000_000_000)
        #expect(TimestampResolution(exponent: 1, binary: true).nanoseconds(3) == 1_500_000_000)
        #expect(TimestampResolution(exponent: 40, binary: true).nanoseconds(1 << 40) == 1_000_000_000)
        #expect(TimestampResolution(exponent: 0, binary: false).nanoseconds(UInt64.max) == Int64.max)
        #expect(TimestampResolution(exponent: 127, binary: true).nanoseconds(UInt64.max) == 0)
    }
}
