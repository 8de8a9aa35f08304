import CaptureFormats
import Foundation
import Testing

/// A capture that another program truncates while borderflow reads it (a rotating
/// capture, a copy still in progress): the mapping's vanished pages would raise SIGBUS.
/// The reader must keep what it read, stop, and say where the file shrank.
@Suite struct ChangingFileTests {
    /// A classic pcap of `count` records of 1,000 bytes each.
    static func pcap(records count: Int) -> [UInt8] {
        var out: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 1, 0, 0, 0]
        out.reserveCapacity(24 + count * 1016)
        for i in 0 ..< count {
            let t = UInt32(1_780_000_000 + i)
            for v in [t, 0, 1000, 1000] { out += [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 24)] }
            out += [UInt8](repeating: UInt8(i & 0xFF), count: 1000)
        }
        return out
    }

    @Test func fileTruncatedWhileMappedIsReportedNotFatal() throws {
        let path = NSTemporaryDirectory() + "borderflow-shrinking-\(getpid()).pcap"
        defer { unlink(path) }
        try Data(Self.pcap(records: 20_000)).write(to: URL(fileURLWithPath: path))   // ~20 MB
        var reader = try CaptureReader.open(path: path)
        var packets = 0
        var emptyOrTimeless = 0
        while let r = reader.next() {
            packets += 1
            if r.data.count == 0 || r.timestamp < 1_000_000_000 * 1_000_000_000 { emptyOrTimeless += 1 }
            // Another program cuts the file to a quarter while we are at 10%.
            if packets == 2_000 { #expect(truncate(path, 5_000_000) == 0) }
        }
        reader.noteShrinking()
        // Everything before the cut was read; nothing after it was invented, though the
        // rest of the last page reads as zeros (the kernel's rule) and faults only past it.
        #expect(packets >= 4_000 && packets <= (5_000_000 - 24) / 1016 + 1)
        #expect(emptyOrTimeless == 0)
        let shrink = try #require(reader.problems.first { $0.description.contains("shrank while it was read") })
        #expect(shrink.severity == .error)
        #expect(shrink.error.offset == 5_000_000)
        #expect(reader.problems.filter { $0.severity == .error }.count == 1)
    }

    @Test func fileThatStaysWholeHasNoSuchProblem() throws {
        let path = NSTemporaryDirectory() + "borderflow-whole-\(getpid()).pcap"
        defer { unlink(path) }
        try Data(Self.pcap(records: 100)).write(to: URL(fileURLWithPath: path))
        var reader = try CaptureReader.open(path: path)
        var packets = 0
        while reader.next() != nil { packets += 1 }
        #expect(packets == 100)
        let shrank = reader.noteShrinking()
        #expect(!shrank)
        #expect(reader.problems.isEmpty)
    }
}
