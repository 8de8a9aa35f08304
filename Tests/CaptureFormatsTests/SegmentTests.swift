import CaptureFormats
import Foundation
import Testing
import WireBytes

/// One file read by several readers, each from a segment start guessed by
/// `SegmentBoundaries`: the guesses must be the true starts, and the readers together
/// must give exactly what one reader gives.
@Suite struct SegmentTests {
    typealias Rng = MutationTests.SplitMix

    /// A capture and the offset of every record (pcap) or block (pcapng) in it.
    struct Capture {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var packetStarts: [Int] = []
        var bigEndian = false

        mutating func u16(_ v: UInt16) { withUnsafeBytes(of: bigEndian ? v.bigEndian : v.littleEndian) { bytes += $0 } }
        mutating func u32(_ v: UInt32) { withUnsafeBytes(of: bigEndian ? v.bigEndian : v.littleEndian) { bytes += $0 } }
        mutating func random(_ n: Int, _ rng: inout Rng) {
            var left = n
            while left > 0 {
                let x = rng.next()
                withUnsafeBytes(of: x) { bytes += $0.prefix(left) }
                left -= 8
            }
        }

        /// A frame of one of the sizes captures are full of; short ones end in zero
        /// padding, as Ethernet's do.
        mutating func frame(_ rng: inout Rng) -> Int {
            let n: Int
            switch rng.below(10) {
            case 0 ..< 3: n = 60
            case 3 ..< 6: n = 1500
            case 6: n = 9000
            default: n = 1 + rng.below(1514)
            }
            if n == 60 { random(40, &rng); bytes += [UInt8](repeating: 0, count: 20) } else { random(n, &rng) }
            return n
        }

        mutating func pad4() { while bytes.count % 4 != 0 { bytes.append(0) } }
    }

    static func pcap(bigEndian: Bool, nano: Bool, bytes size: Int, seed: UInt64) -> Capture {
        var rng = Rng(state: seed)
        var c = Capture(bigEndian: bigEndian)
        c.u32(nano ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        c.u16(2); c.u16(4); c.u32(0); c.u32(0); c.u32(65535); c.u32(1)
        var i: UInt32 = 0
        while c.bytes.count < size {
            c.starts.append(c.bytes.count)
            let at = c.bytes.count
            c.u32(1_700_000_000 + i / 50); c.u32(UInt32(rng.below(nano ? 1_000_000_000 : 1_000_000)))
            c.u32(0); c.u32(0)
            let n = c.frame(&rng)
            // Now and then a packet cut to a snap length shorter than it was.
            let original = rng.below(8) == 0 ? n + rng.below(500) : n
            var field = Capture(bigEndian: bigEndian)
            field.u32(UInt32(n)); field.u32(UInt32(original))
            c.bytes.replaceSubrange(at + 8 ..< at + 16, with: field.bytes)
            i += 1
        }
        c.packetStarts = c.starts
        return c
    }

    static func block(_ c: inout Capture, type: UInt32, body: (inout Capture) -> Void) {
        let at = c.bytes.count
        c.starts.append(at)
        c.u32(type); c.u32(0)
        body(&c)
        c.pad4()
        let total = UInt32(c.bytes.count - at + 4)
        c.u32(total)
        var field = Capture(bigEndian: c.bigEndian)
        field.u32(total)
        c.bytes.replaceSubrange(at + 4 ..< at + 8, with: field.bytes)
    }

    static func section(_ c: inout Capture) {
        block(&c, type: 0x0A0D_0D0A) { b in b.u32(0x1A2B_3C4D); b.u16(1); b.u16(0); b.u32(0xFFFF_FFFF); b.u32(0xFFFF_FFFF) }
        // Interface 0: Ethernet, microseconds; interface 1: raw IP, nanoseconds.
        block(&c, type: 1) { b in b.u16(1); b.u16(0); b.u32(0) }
        block(&c, type: 1) { b in b.u16(101); b.u16(0); b.u32(0); b.u16(9); b.u16(1); b.bytes += [9, 0, 0, 0]; b.u32(0) }
    }

    /// Two interfaces, enhanced and simple packets, statistics, name resolution,
    /// decryption secrets and custom blocks in between.
    static func pcapng(bigEndian: Bool, bytes size: Int, seed: UInt64) -> Capture {
        var rng = Rng(state: seed)
        var c = Capture(bigEndian: bigEndian)
        section(&c)
        var t: UInt64 = 1_700_000_000_000_000
        while c.bytes.count < size {
            let kind = rng.below(40)
            t += UInt64(rng.below(2000))
            switch kind {
            case 0:
                block(&c, type: 5) { b in b.u32(UInt32(rng.below(2))); b.u32(UInt32(t >> 32)); b.u32(UInt32(t & 0xFFFF_FFFF)); b.u32(0) }
            case 1:
                block(&c, type: 4) { b in b.u16(1); b.u16(8); b.bytes += [10, 0, 0, 1]; b.bytes += Array("a.b\0".utf8); b.u32(0) }
            case 2:
                block(&c, type: 0xBAD) { b in b.u32(32473); b.random(rng.below(64), &rng) }
            case 3:
                block(&c, type: 10) { b in b.u32(0x544C_534B); b.u32(8); b.random(8, &rng) }
            case 4:
                c.packetStarts.append(c.bytes.count)
                block(&c, type: 3) { b in
                    b.u32(0); let at = b.bytes.count
                    let n = b.frame(&rng)
                    var f = Capture(bigEndian: b.bigEndian); f.u32(UInt32(n))
                    b.bytes.replaceSubrange(at - 4 ..< at, with: f.bytes)
                }
            default:
                c.packetStarts.append(c.bytes.count)
                let interface = UInt32(rng.below(2))
                let units = interface == 0 ? t / 1000 : t
                block(&c, type: 6) { b in
                    b.u32(interface); b.u32(UInt32(units >> 32)); b.u32(UInt32(units & 0xFFFF_FFFF))
                    b.u32(0); b.u32(0)
                    let at = b.bytes.count
                    let n = b.frame(&rng)
                    var f = Capture(bigEndian: b.bigEndian); f.u32(UInt32(n)); f.u32(UInt32(n))
                    b.bytes.replaceSubrange(at - 8 ..< at, with: f.bytes)
                    b.pad4()
                    if kind == 5 { b.u16(1); b.u16(5); b.bytes += Array("hello".utf8); b.pad4(); b.u32(0) }   // opt_comment
                }
            }
        }
        return c
    }

    /// A record as a reader returns it, copied.
    struct Seen: Equatable {
        var offset: Int
        var timestamp: Int64
        var original: Int
        var interface: Int
        var linkType: LinkType
        var data: [UInt8]
    }

    static func drain(_ reader: inout CaptureReader) -> [Seen] {
        var out: [Seen] = []
        while let r = reader.next() {
            out.append(Seen(offset: r.offset, timestamp: r.timestamp, original: r.originalLength,
                            interface: r.interface, linkType: r.linkType, data: Array(r.data)))
        }
        return out
    }

    static func withMapped<T>(_ bytes: [UInt8], _ body: (MappedFile) throws -> T) throws -> T {
        let path = NSTemporaryDirectory() + "borderflow-segment-\(getpid())-\(UInt64.random(in: 0 ... .max)).cap"
        defer { unlink(path) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let file = try MappedFile(path: path)
        return try withExtendedLifetime(file) { try body(file) }
    }

    /// The true start of each segment: the first record or block at or after k * S, the
    /// same start for two k counted once (with the smaller k).
    static func truth(_ starts: [Int], count: Int, segment: Int) -> [(nominal: Int, offset: Int)] {
        var out: [(nominal: Int, offset: Int)] = []
        var i = 0
        var nominal = segment
        while nominal < count {
            while i < starts.count, starts[i] < nominal { i += 1 }
            if i < starts.count, starts[i] > out.last?.offset ?? -1 { out.append((nominal, starts[i])) }
            nominal += segment
        }
        return out
    }

    /// The state a reader has at the first packet: past the header and interface blocks.
    static func headerState(_ file: MappedFile, firstPacket: Int) throws -> CaptureReaderState {
        var reader = try CaptureReader.open(file: file)
        reader.limit = firstPacket
        while reader.next() != nil {}
        #expect(reader.stoppedAtLimit == firstPacket)
        return reader.state
    }

    /// Candidates equal the true starts, and reading segment by segment (limits at the
    /// nominal offsets, then at the candidates themselves) gives what one reader gives.
    static func checkSegments(_ c: Capture, firstRecord: Int, label: String) throws {
        try withMapped(c.bytes) { file in
            var whole = try CaptureReader.open(file: file)
            let sequential = drain(&whole)
            #expect(whole.problems.isEmpty, "\(label)")
            #expect(sequential.map(\.offset) == c.packetStarts, "\(label)")
            let state = try headerState(file, firstPacket: c.packetStarts[0])
            for segment in [64 * 1024, 1024 * 1024] {
                let expected = truth(c.starts, count: c.bytes.count, segment: segment)
                let found = SegmentBoundaries.candidates(in: file.bytes, state: state, firstRecord: firstRecord,
                                                         segmentBytes: segment)
                #expect(found == expected.map(\.offset), "\(label) S=\(segment)")
                #expect(expected.count >= c.bytes.count / segment - 1, "\(label): a segment lost")
                for byNominal in [true, false] {
                    let limits = expected.map { byNominal ? $0.nominal : $0.offset }
                    var first = try CaptureReader.open(file: file)
                    first.limit = limits.first
                    var joined = drain(&first)
                    #expect(first.problems.isEmpty && first.stoppedAtLimit == found.first, "\(label)")
                    for (i, start) in found.enumerated() {
                        let limit = i + 1 < limits.count ? limits[i + 1] : nil
                        var reader = CaptureReader.open(file: file, resumingAt: start, state: state, limit: limit)
                        joined += drain(&reader)
                        #expect(reader.problems.isEmpty, "\(label) segment \(i + 1)")
                        #expect(reader.stoppedAtLimit == (i + 1 < found.count ? found[i + 1] : nil), "\(label) segment \(i + 1)")
                        // One section throughout: the state at each boundary is the header's.
                        #expect(reader.state == state, "\(label)")
                    }
                    #expect(joined == sequential, "\(label) S=\(segment) nominal limits \(byNominal)")
                }
            }
        }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func pcapSegmentsMatchOneReader(bigEndian: Bool, nano: Bool) throws {
        let c = Self.pcap(bigEndian: bigEndian, nano: nano, bytes: 3 << 20, seed: bigEndian ? 11 : 7 + (nano ? 1 : 0))
        try Self.checkSegments(c, firstRecord: 24, label: "pcap be=\(bigEndian) nano=\(nano)")
    }

    @Test(arguments: [false, true])
    func pcapngSegmentsMatchOneReader(bigEndian: Bool) throws {
        let c = Self.pcapng(bigEndian: bigEndian, bytes: 3 << 20, seed: bigEndian ? 5 : 3)
        try Self.checkSegments(c, firstRecord: 0, label: "pcapng be=\(bigEndian)")
    }

    /// Readers on one mapping at once, as the workers will be.
    @Test func segmentsReadInParallel() throws {
        let c = Self.pcapng(bigEndian: false, bytes: 2 << 20, seed: 99)
        try Self.withMapped(c.bytes) { file in
            var whole = try CaptureReader.open(file: file)
            let sequential = Self.drain(&whole)
            let state = try Self.headerState(file, firstPacket: c.packetStarts[0])
            let starts = SegmentBoundaries.candidates(in: file.bytes, state: state, firstRecord: 0, segmentBytes: 128 * 1024)
            let bounds = [0] + starts
            let lock = NSLock()
            nonisolated(unsafe) var parts = [[Seen]](repeating: [], count: bounds.count)
            DispatchQueue.concurrentPerform(iterations: bounds.count) { i in
                let limit = i + 1 < bounds.count ? bounds[i + 1] : nil
                var reader = i == 0 ? try! CaptureReader.open(file: file)
                    : CaptureReader.open(file: file, resumingAt: bounds[i], state: state, limit: limit)
                reader.limit = limit
                let seen = Self.drain(&reader)
                lock.withLock { parts[i] = seen }
            }
            #expect(parts.flatMap { $0 } == sequential)
        }
    }

    /// A second section (other byte order, its own interfaces): the scan follows a chain
    /// through its header, and readers resumed with the state at their start read on.
    @Test func sectionsInTheMiddle() throws {
        var c = Self.pcapng(bigEndian: false, bytes: 1 << 20, seed: 21)
        let second = Self.pcapng(bigEndian: true, bytes: 1 << 20, seed: 22)
        c.starts += second.starts.map { $0 + c.bytes.count }
        c.packetStarts += second.packetStarts.map { $0 + c.bytes.count }
        let sectionStart = c.bytes.count
        c.bytes += second.bytes
        try Self.withMapped(c.bytes) { file in
            var whole = try CaptureReader.open(file: file)
            let sequential = Self.drain(&whole)
            #expect(whole.problems.isEmpty && whole.sections == 2)
            let segment = 96 * 1024
            // Before the second section: states from the first; the scan cannot know a
            // section starts later, so the caller takes the state at each start from
            // the reader before it.
            let state = try Self.headerState(file, firstPacket: c.packetStarts[0])
            let found = SegmentBoundaries.candidates(in: file.bytes, state: state, firstRecord: 0, segmentBytes: segment)
            let expected = Self.truth(c.starts, count: c.bytes.count, segment: segment).map(\.offset)
            let beforeSecond = expected.filter { $0 < sectionStart }
            #expect(Array(found.prefix(beforeSecond.count)) == beforeSecond)
            var joined: [Seen] = []
            var reader = try CaptureReader.open(file: file)
            reader.limit = found.first
            joined += Self.drain(&reader)
            var at = reader.stoppedAtLimit
            var nextState = reader.state
            var i = 0
            while let start = at {
                i += 1
                var r = CaptureReader.open(file: file, resumingAt: start, state: nextState, limit: i < found.count ? found[i] : nil)
                joined += Self.drain(&r)
                #expect(r.problems.isEmpty)
                at = r.stoppedAtLimit
                nextState = r.state
            }
            #expect(joined == sequential)
        }
    }

    @Test func limitStopsCleanlyAndErrorsStillReport() throws {
        let c = Self.pcap(bigEndian: false, nano: false, bytes: 200_000, seed: 1)
        try Self.withMapped(c.bytes) { file in
            let all = c.starts
            // A limit inside a record: that record is read whole, no cut-off warning.
            var r = try CaptureReader.open(file: file)
            r.limit = all[10] + 5
            let seen = Self.drain(&r)
            #expect(seen.map(\.offset) == Array(all[0 ... 10]))
            #expect(r.problems.isEmpty && r.stoppedAtLimit == all[11] && r.finished)
            // A limit before the first record stops at it.
            var early = try CaptureReader.open(file: file)
            early.limit = 3
            let none = early.next() == nil
            #expect(none && early.stoppedAtLimit == 24)
            // The end of the file at or past the limit: the next segment is empty.
            var end = try CaptureReader.open(file: file)
            end.limit = c.bytes.count
            #expect(Self.drain(&end).count == all.count && end.stoppedAtLimit == c.bytes.count)
            var past = try CaptureReader.open(file: file)
            past.limit = c.bytes.count + 1
            #expect(Self.drain(&past).count == all.count && past.stoppedAtLimit == nil && past.problems.isEmpty)
            // Resumed: offsets stay file offsets, the limit may be set later too.
            let state = r.state
            var resumed = CaptureReader.open(file: file, resumingAt: all[11], state: state, limit: nil)
            resumed.limit = all[20]
            #expect(resumed.position == all[11])
            #expect(Self.drain(&resumed).map(\.offset) == Array(all[11 ..< 20]))
            #expect(resumed.stoppedAtLimit == all[20])
            // Starts past the end read nothing; a negative one reads from 0 (the file
            // header, as damage); none traps.
            for start in [c.bytes.count, c.bytes.count + 100] {
                var odd = CaptureReader.open(file: file, resumingAt: start, state: state, limit: nil)
                #expect(Self.drain(&odd).isEmpty && odd.problems.isEmpty)
            }
            var negative = CaptureReader.open(file: file, resumingAt: -5, state: state, limit: nil)
            #expect(Self.drain(&negative).allSatisfy { $0.offset >= 0 })
        }
        // A bad record before the limit: reported as ever, no stop at the limit.
        var bad = c.bytes
        let at = c.starts[30] + 8
        bad.replaceSubrange(at ..< at + 4, with: [0xFF, 0xFF, 0xFF, 0x7F])
        try Self.withMapped(bad) { file in
            var r = try CaptureReader.open(file: file)
            r.limit = c.starts[40]
            #expect(Self.drain(&r).count == 30)
            #expect(r.stoppedAtLimit == nil && r.hasErrors)
            var resumed = CaptureReader.open(file: file, resumingAt: c.starts[20], state: r.state, limit: c.starts[40])
            #expect(Self.drain(&resumed).count == 10)
            #expect(resumed.stoppedAtLimit == nil && resumed.problems.first?.error.offset == c.starts[30])
        }
    }

    /// Random bytes, cut captures and damaged ones: the scan never traps, its answers
    /// keep their promises, and readers resumed anywhere never trap.
    @Test func hostileBytesNeverTrap() throws {
        var rng = Rng(state: 42)
        let pcapState: (Bool, Bool) -> CaptureReaderState = { big, nano in
            CaptureReaderState(format: .pcap, bigEndian: big, nanosecond: nano, versionMajor: 2, versionMinor: 4,
                               pcapLinkType: .ethernet, pcapRecordLimit: CaptureLimits.maxRecordLength,
                               sections: 0, sectionInterfaceBase: 0,
                               interfaces: [CaptureInterface(linkType: .ethernet, snapLength: 65535)])
        }
        let ngState: (Bool, Int) -> CaptureReaderState = { big, interfaces in
            CaptureReaderState(format: .pcapng, bigEndian: big, nanosecond: false, versionMajor: 1, versionMinor: 0,
                               pcapLinkType: .ethernet, pcapRecordLimit: CaptureLimits.maxRecordLength,
                               sections: 1, sectionInterfaceBase: 0,
                               interfaces: Array(repeating: CaptureInterface(linkType: .ethernet, snapLength: 0), count: interfaces))
        }
        let states = [pcapState(false, false), pcapState(true, true), ngState(false, 2), ngState(true, 0), ngState(false, 1)]

        func check(_ bytes: [UInt8], states: [CaptureReaderState], label: String) throws {
            try Self.withMapped(bytes.isEmpty ? [0] : bytes) { file in
                for state in states {
                    // Segments of one byte on small inputs only: every k scans.
                    for segment in file.bytes.count <= 4096 ? [1, 7] : [4093, 64 * 1024] {
                        let found = SegmentBoundaries.candidates(in: file.bytes, state: state, firstRecord: 24,
                                                                 segmentBytes: segment, chainSpan: 16 * 1024,
                                                                 searchSpan: 32 * 1024)
                        #expect(zip(found, found.dropFirst()).allSatisfy { $0 < $1 }, "\(label)")
                        for (i, p) in found.enumerated() {
                            #expect(p >= (i + 1) * segment && p < file.bytes.count, "\(label)")
                        }
                        for (i, start) in found.prefix(8).enumerated() {
                            var r = CaptureReader.open(file: file, resumingAt: start, state: state,
                                                       limit: i + 1 < found.count ? found[i + 1] : nil)
                            for s in Self.drain(&r) { #expect(s.offset >= start && s.offset < file.bytes.count) }
                        }
                    }
                    for _ in 0 ..< 6 {
                        let start = rng.below(file.bytes.count + 8) - 4
                        var r = CaptureReader.open(file: file, resumingAt: start, state: state, limit: rng.below(file.bytes.count))
                        _ = Self.drain(&r)
                    }
                }
            }
        }

        var noise = Capture()
        noise.random(512 * 1024, &rng)
        try check(noise.bytes, states: states, label: "random")
        try check(Array(noise.bytes.prefix(3)), states: states, label: "tiny")
        // Zeros and 0xFF runs: lengths of 0 and of 4 GiB everywhere.
        try check([UInt8](repeating: 0, count: 300_000), states: states, label: "zeros")
        try check([UInt8](repeating: 0xFF, count: 300_000), states: states, label: "ones")

        let valid = [("pcap", Self.pcap(bigEndian: true, nano: false, bytes: 1 << 20, seed: 8), 24),
                     ("pcapng", Self.pcapng(bigEndian: false, bytes: 1 << 20, seed: 9), 0)]
        for (name, c, firstRecord) in valid {
            let state = try Self.withMapped(c.bytes) { try Self.headerState($0, firstPacket: c.packetStarts[0]) }
            for _ in 0 ..< 4 {
                let cut = rng.below(c.bytes.count)
                try check(Array(c.bytes.prefix(cut)), states: [state], label: "\(name) cut at \(cut)")
            }
            for round in 0 ..< 6 {
                var damaged = c.bytes
                let from = rng.below(c.bytes.count - 20_000), length = 1 + rng.below(20_000)
                for i in from ..< from + length {
                    damaged[i] = round % 3 == 0 ? 0 : round % 3 == 1 ? 0xFF : UInt8(truncatingIfNeeded: rng.next())
                }
                try check(damaged, states: [state], label: "\(name) damaged")
                // Past the damage (and a chain's span) the starts are found as before.
                try Self.withMapped(damaged) { file in
                    let segment = 64 * 1024
                    let found = Set(SegmentBoundaries.candidates(in: file.bytes, state: state, firstRecord: firstRecord,
                                                                 segmentBytes: segment))
                    for t in Self.truth(c.starts, count: c.bytes.count, segment: segment) where t.nominal >= from + length {
                        #expect(found.contains(t.offset), "\(name) damaged \(from) + \(length)")
                    }
                }
            }
        }
    }
}
