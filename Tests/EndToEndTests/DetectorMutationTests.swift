import CaptureFormats
import Foundation
import Inspection
import Packets
import Pipeline
import PlantSynth
import Testing
import TestSupport
import WireBytes

/// Fuzz-style tests for every protocol detector and for the packet path: real payloads
/// (nDPI's captures, and borderflow's synthetic plant) truncated, bit-flipped and with
/// length fields overwritten, fed to each detector on both transports and directions,
/// and whole mutated captures through the pipeline. Nothing may crash or hang.
@Suite struct DetectorMutationTests {
    /// Deterministic mutations (a small xorshift generator, so failures reproduce).
    struct Mutator {
        var random: XorShift
        init(state: UInt64) { random = XorShift(state: state) }
        mutating func next() -> UInt64 { random.next() }

        mutating func variants(of p: [UInt8]) -> [[UInt8]] {
            var out: [[UInt8]] = []
            for cut in [0, 1, 2, 3, 4, 5, 7, 8, 12, 16, p.count / 2, p.count - 1] where cut >= 0 && cut < p.count {
                out.append(Array(p[..<cut]))
            }
            for _ in 0 ..< 6 where !p.isEmpty {
                var m = p
                for _ in 0 ..< 1 + Int(next() % 4) { m[Int(next() % UInt64(m.count))] ^= UInt8(1 << (next() % 8)) }
                out.append(m)
            }
            // Length-looking fields (early bytes) set to extremes.
            for position in 0 ..< min(p.count, 12) {
                for value: UInt8 in [0x00, 0xFF, 0x7F] {
                    var m = p
                    m[position] = value
                    out.append(m)
                }
            }
            return out
        }
    }

    static func runDetectors(on payload: [UInt8], ports: (UInt16, UInt16)) {
        payload.withUnsafeBytes { b in
            for detector in Detectors.all {
                for transport in detector.transports {
                    for fromInitiator in [true, false] {
                        var findings = DetectorFindings()
                        let view = PayloadView(bytes: b, transport: transport, fromInitiator: fromInitiator,
                                               sourcePort: ports.0, destinationPort: ports.1, index: 0, reassembled: fromInitiator)
                        _ = detector.inspect(view, &findings)
                    }
                }
            }
        }
    }

    /// The first payloads of every flow-starting packet of a capture, with their ports.
    static func payloads(of path: String, limit: Int) -> [([UInt8], (UInt16, UInt16))] {
        var out: [([UInt8], (UInt16, UInt16))] = []
        var decoded = DecodedPacket()
        _ = CaptureSummary.read(.file(path)) { r in
            guard out.count < limit else { return }
            PacketDecoder.decode(r.data, linkType: r.linkType, into: &decoded)
            guard decoded.hasTransport, decoded.payloadLength > 0 else { return }
            out.append((Array(decoded.payload(in: r.data).prefix(600)), (decoded.sourcePort, decoded.destinationPort)))
        }
        return out
    }

    @Test func everyDetectorSurvivesMutatedSyntheticPayloads() throws {
        // borderflow's own plant capture: MQTT, HTTP, TLS, SSH, RDP, DNS, NTP, CoAP/LwM2M, Modbus...
        let path = NSTemporaryDirectory() + "borderflow-detector-mutation-\(getpid()).pcap"
        defer { unlink(path) }
        try synthesize(to: path, seed: 99, bytes: 300_000)
        var mutator = Mutator(state: 0x9E37_79B9_7F4A_7C15)
        var seen = Set<[UInt8]>()
        var inputs = 0
        for (payload, ports) in Self.payloads(of: path, limit: 3000) where seen.insert(Array(payload.prefix(8))).inserted {
            for v in mutator.variants(of: payload) { Self.runDetectors(on: v, ports: ports); inputs += 1 }
        }
        #expect(inputs > 200)
    }

    @Test(.enabled(if: Fixtures.available, Fixtures.skipMessage))
    func everyDetectorSurvivesMutatedRealPayloads() throws {
        let dir = Fixtures.root + "/ndpi/pcap/"
        var mutator = Mutator(state: 0xD1B5_4A32_D192_ED03)
        var inputs = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() {
            for (payload, ports) in Self.payloads(of: dir + file, limit: 12) {
                for v in mutator.variants(of: payload) { Self.runDetectors(on: v, ports: ports); inputs += 1 }
            }
        }
        #expect(inputs > 10_000)
    }

    /// Whole captures with frames mutated in place, through the full packet path
    /// (decode, tunnels, fragments, flows, inspection incl. QUIC decryption).
    @Test(.enabled(if: Fixtures.available, Fixtures.skipMessage))
    func mutatedCapturesThroughThePipeline() throws {
        let dir = Fixtures.root + "/ndpi/pcap/"
        var mutator = Mutator(state: 0x2545_F491_4F6C_DD1D)
        var flows = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() {
            guard var bytes = FileManager.default.contents(atPath: dir + file).map([UInt8].init), bytes.count > 64 else { continue }
            // Past the file header: flip bytes in records (headers and payloads alike).
            for _ in 0 ..< max(8, bytes.count / 200) {
                let at = 40 + Int(mutator.next() % UInt64(bytes.count - 40))
                bytes[at] ^= UInt8(truncatingIfNeeded: mutator.next() | 1)
            }
            let path = NSTemporaryDirectory() + "borderflow-mutated-\(getpid())-" + file
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            defer { unlink(path) }
            _ = FlowScan.run([.file(path)]) { _ in flows += 1 }
        }
        #expect(flows > 0)
    }
}
