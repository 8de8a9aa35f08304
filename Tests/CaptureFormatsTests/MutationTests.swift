import CaptureFormats
import Foundation
import Testing
import TestSupport

/// Fuzz-style: bit flips, truncations and overwritten length fields must never crash
/// or hang a reader, every view must stay inside its record, and reading from a
/// trickling stream must give exactly what reading the mapped bytes gives.
@Suite struct MutationTests {
    struct SplitMix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
    }

    static func seeds() -> [(String, [UInt8])] {
        var b = Bytes()
        CaptureBuilder.sectionHeader(&b)
        CaptureBuilder.interface(&b, linkType: 1, tsresol: 9)
        CaptureBuilder.interface(&b, linkType: 101)
        for i in 0 ..< 6 {
            CaptureBuilder.enhancedPacket(&b, interface: UInt32(i % 2), timestamp: UInt64(i) * 1000, packet: CaptureBuilder.frame(40 + i * 9))
        }
        CaptureBuilder.simplePacket(&b, packet: CaptureBuilder.frame(33))
        var seeds: [(String, [UInt8])] = [
            ("pcap", CaptureBuilder.pcap(packets: (0 ..< 8).map { CaptureBuilder.frame(20 + $0 * 11) })),
            ("pcap-be-nano", CaptureBuilder.pcap(bigEndian: true, nano: true, packets: (0 ..< 8).map { CaptureBuilder.frame(30 + $0) })),
            ("pcapng", b.data),
        ]
        seeds.append(("pcap+lz4", Compress.lz4(seeds[0].1)))
        seeds.append(("pcapng+gzip", Compress.gzip(seeds[2].1)))
        if Fixtures.available {
            for name in ["tcpdump/pppoes.pcap", "tcpdump/tcp-handshake-nano.pcap", "ndpi/pcap/knxip.pcapng",
                         "ndpi/pcap/dtls.pcap", "pcapng-test-generator/output_be/advanced/test100.pcapng",
                         "pcapng-test-generator/output_le/advanced/test101.pcapng", "compressed/modbus.pcap.lz4"] {
                if let d = FileManager.default.contents(atPath: Fixtures.root + "/" + name) { seeds.append((name, [UInt8](d))) }
            }
        }
        return seeds
    }

    static func check(_ bytes: [UInt8], _ label: String) {
        let mapped = readAll(bytes)
        // Every packet needs at least a 12-byte frame around it; anything else means a loop.
        #expect(mapped.packets <= bytes.count / 12 + 1, "\(label)")
        var streamed = readAll(bytes, chunked: 13)
        if label.contains("lz4") || label.contains("gzip") {
            // A decompressor reports corruption where its input chunk began, which
            // depends on how the input arrived; everything else must agree.
            var m = mapped
            for i in m.problems.indices { m.problems[i].error.offset = 0 }
            for i in streamed.problems.indices { streamed.problems[i].error.offset = 0 }
            if m.openError != nil, streamed.openError != nil { m.openError = nil; streamed.openError = nil }
            #expect(streamed == m, "\(label)")
        } else {
            #expect(streamed == mapped, "\(label)")
        }
    }

    @Test(arguments: seeds().map(\.0))
    func mutatedCapturesNeverCrash(_ name: String) {
        guard let seed = Self.seeds().first(where: { $0.0 == name })?.1 else { return }
        var rng = SplitMix(state: name.utf8.reduce(UInt64(7)) { $0 &* 31 &+ UInt64($1) })
        // Truncation at many lengths.
        let step = max(1, seed.count / 97)
        for cut in stride(from: 0, to: seed.count, by: step) { Self.check(Array(seed.prefix(cut)), "\(name) cut \(cut)") }
        for _ in 0 ..< 150 {
            var m = seed
            switch rng.below(3) {
            case 0:  // bit flips
                for _ in 0 ... rng.below(4) { let i = rng.below(m.count); m[i] ^= UInt8(1 << rng.below(8)) }
            case 1:  // a 32-bit field (a length, often) overwritten with an extreme value
                let i = rng.below(max(1, m.count - 4)) & ~3
                let v: [UInt32] = [0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, 0x0001_0000, UInt32(m.count), 12, 13]
                let x = v[rng.below(v.count)]
                for k in 0 ..< 4 where i + k < m.count { m[i + k] = UInt8(truncatingIfNeeded: x >> (8 * UInt32(k))) }
            default:  // a slice duplicated or removed
                let a = rng.below(m.count), len = rng.below(64)
                if rng.below(2) == 0 { m.insert(contentsOf: m[a ..< min(m.count, a + len)], at: a) } else { m.removeSubrange(a ..< min(m.count, a + len)) }
            }
            Self.check(m, "\(name) mutated")
        }
    }
}
