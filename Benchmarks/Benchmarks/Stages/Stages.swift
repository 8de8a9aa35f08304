// The stages after reading, each on its own: decoding, the flow table with
// inspection, geo lookups and registry matching, and report writing.
import Benchmark
import CaptureFormats
import Flows
import Foundation
import Geo
import Packets
import Pipeline
import PlantSynth
import Policy
import Reporting
import ServerRegistry
import Setup
import Verdicts
import WireBytes

let benchDir = ProcessInfo.processInfo.environment["BORDERFLOW_BENCH_DIR"] ?? "/tmp/borderflow-bench"
let benchBytes = Int(ProcessInfo.processInfo.environment["BORDERFLOW_BENCH_BYTES"] ?? "") ?? (256 << 20)

func capture() -> String {
    let path = benchDir + "/stages-\(benchBytes).pcap"
    if !FileManager.default.fileExists(atPath: path) {
        try? FileManager.default.createDirectory(atPath: benchDir, withIntermediateDirectories: true)
        var o = SynthOptions()
        o.targetBytes = benchBytes
        let fd = open(path + ".tmp", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var g = PlantGenerator(options: o)
        _ = try! g.write(to: fd)
        close(fd)
        rename(path + ".tmp", path)
    }
    return path
}

/// The command line's geo adapter.
typealias Lookup = GeoLookup

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds, maxDuration: .seconds(20), maxIterations: 10)
    let path = capture()
    var packets = 0
    do { var r = try! CaptureReader.open(path: path); while r.next() != nil { packets += 1 } }

    Benchmark("decode: \(packets) packets to the transport layer") { benchmark in
        for _ in benchmark.scaledIterations {
            var reader = try! CaptureReader.open(path: path)
            var p = DecodedPacket()
            var ports = 0
            while let r = reader.next() {
                PacketDecoder.decode(r.data, linkType: r.linkType, into: &p)
                ports &+= Int(p.destinationPort)
            }
            blackHole(ports)
        }
    }

    // The same path without payload inspection: the difference is what inspection costs.
    Benchmark("flows without inspection: \(packets) packets") { benchmark in
        for _ in benchmark.scaledIterations {
            var flows = 0
            var pipeline = PacketPipeline(input: 0)
            pipeline.inspects = false
            _ = CaptureSummary.read(.file(path)) { pipeline.process($0) { _ in flows += 1 } }
            pipeline.finish { _ in flows += 1 }
            blackHole(flows)
        }
    }

    Benchmark("flows + inspection: \(packets) packets") { benchmark in
        for _ in benchmark.scaledIterations {
            var flows = 0
            _ = FlowScan.run([.file(path)]) { _ in flows += 1 }
            blackHole(flows)
        }
    }

    Benchmark("flow table: 1M concurrent flows", configuration: .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident], maxIterations: 3)) { benchmark in
        for _ in benchmark.scaledIterations {
            var table = FlowTable(config: FlowTableConfig(), initialCapacity: 1 << 20)
            for i in 0 ..< 1_000_000 {
                table.add(FlowPacket(timestamp: Int64(i), source: IPAddress(v4: 0x0A00_0000 | UInt32(i)), destination: IPAddress(v4: 0x2D00_0001),
                                     sourcePort: 40000, destinationPort: 1883, ipProtocol: 6, ipLength: 60, tcpFlags: 2)) { _ in }
            }
            blackHole(table.count)
        }
    }

    // Geo lookups and registry matching over the synthetic servers, a million times.
    var builder = RangeTableBuilder()
    try! Array(PlantModel.geoCSV.utf8).withUnsafeBytes { try TextGeoSource.load($0, file: "synth", into: &builder) }
    let geo = GeoDatabase(table: builder.build(), sources: [])
    let servers = PlantModel.servers.map(\.address)
    Benchmark("geo lookup: 1M addresses", configuration: .init(scalingFactor: .mega)) { benchmark in
        var hits = 0
        for i in benchmark.scaledIterations { if geo.country(for: servers[i % servers.count]) != nil { hits += 1 } }
        blackHole(hits)
    }
    let (registry, _) = RegistryLoader.load(text: PlantModel.registryYAML, file: "synth")
    Benchmark("registry match: 1M flows", configuration: .init(scalingFactor: .mega)) { benchmark in
        var registered = 0
        for i in benchmark.scaledIterations {
            let s = PlantModel.servers[i % PlantModel.servers.count]
            if registry.match(server: s.address, hostname: s.hostname, time: 1_772_438_400_000_000_000, category: .telemetry).status == .registered { registered += 1 }
        }
        blackHole(registered)
    }

    let policy = Policy(home: ["CN"], geo: Lookup(db: geo), registry: registry)

    // Scaling across files (scan --jobs): the same four-file archive with one and two workers.
    let archive = (0 ..< 4).map { i -> InputSource in
        let part = benchDir + "/archive-\(benchBytes / 4)-\(i).pcap"
        if !FileManager.default.fileExists(atPath: part) {
            var o = SynthOptions()
            o.seed = UInt64(100 + i)
            o.targetBytes = benchBytes / 4
            let fd = open(part + ".tmp", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            var g = PlantGenerator(options: o)
            _ = try! g.write(to: fd)
            close(fd)
            rename(part + ".tmp", part)
        }
        return .file(part)
    }
    for jobs in [1, 2] {
        Benchmark("scan: 4-file archive, \(jobs) worker\(jobs == 1 ? "" : "s")") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(Scan.run(archive, policy: policy, jobs: jobs).flowCount)
            }
        }
    }

    // One capture: its 64 MiB segments read by one worker, or by two at once and stitched.
    for jobs in [1, 2] {
        Benchmark("scan: one capture in segments, \(jobs) worker\(jobs == 1 ? "" : "s")") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(Scan.run([.file(path)], policy: policy, jobs: jobs).flowCount)
            }
        }
    }

    let result = Scan.run([.file(path)], policy: policy, keepFlows: true)
    Benchmark("report: json with \(result.flows.count) flows") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ScanReport(result: result, home: ["CN"], version: "bench", includeFlows: true).json.rendered().utf8.count)
        }
    }
}
