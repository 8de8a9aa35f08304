// Reading stage: every capture format walked record by record, no decoding.
// Captures come from borderflow synth (PlantSynth), generated on first use into
// $BORDERFLOW_BENCH_DIR (default /tmp/borderflow-bench), $BORDERFLOW_BENCH_BYTES big
// (default 1 GiB; never committed).
import Benchmark
import CaptureFormats
import Foundation
import PlantSynth

enum BenchCaptures {
    static let dir = ProcessInfo.processInfo.environment["BORDERFLOW_BENCH_DIR"] ?? "/tmp/borderflow-bench"
    static let bytes = Int(ProcessInfo.processInfo.environment["BORDERFLOW_BENCH_BYTES"] ?? "") ?? (1 << 30)

    /// The path of a synthesized capture in `format`, made if missing.
    static func path(_ format: CaptureFileFormat, lz4: Bool = false) -> String {
        let name = "plant-\(bytes)-\(format.rawValue)" + (lz4 ? ".lz4" : "")
        let path = dir + "/" + name
        if !FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            var o = SynthOptions()
            o.targetBytes = bytes
            o.format = format
            o.lz4 = lz4
            let fd = open(path + ".tmp", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            var g = PlantGenerator(options: o)
            _ = try! g.write(to: fd)
            close(fd)
            rename(path + ".tmp", path)
        }
        return path
    }
}

/// Reads every record; returns (packets, captured bytes).
func walk(_ path: String) -> (Int, Int) {
    var reader = try! CaptureReader.open(path: path)
    var packets = 0, bytes = 0
    while let r = reader.next() {
        packets += 1
        bytes += r.data.count
    }
    return (packets, bytes)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, maxDuration: .seconds(20), maxIterations: 10)

    for (name, format, lz4) in [("pcap", CaptureFileFormat.pcap, false), ("pcapng", .pcapng, false),
                                ("pcapng big-endian", .pcapngBig, false), ("pcap+lz4", .pcap, true)] {
        let path = BenchCaptures.path(format, lz4: lz4)
        let (packets, bytes) = walk(path)
        // Allocations per packet = mallocCountTotal / packets (the name says how many).
        Benchmark("read \(name): \(bytes >> 20) MiB, \(packets) packets") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(walk(path))
            }
        }
    }
}
