import ArgumentParser
import Foundation
import PlantSynth
import WireBytes

struct SynthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "synth",
        abstract: "Write a synthetic plant capture, with its geo sources, registry and expected findings.",
        discussion: """
        Deterministic: the same --seed and options give the same bytes. Devices on VLANs \
        talk MQTT, HTTPS, HTTP firmware downloads, SSH and RDP maintenance, DNS, NTP, \
        LwM2M over IPv6 and Modbus, to domestic (CN) and overseas servers. With \
        --ground-truth DIR it also writes geo.csv, registry.yaml, borderflow.yaml and \
        expected-findings.tsv, so that a scan can check itself at any size:

          borderflow synth --size 1G -o plant.pcap --ground-truth truth/
          borderflow scan --config truth/borderflow.yaml plant.pcap

        Sizes take K, M and G suffixes (powers of 1024).
        """
    )

    @Option(name: .shortAndLong, help: "Output capture file (- for standard output).")
    var output: String

    @Option(help: "Approximate capture size: e.g. 200K, 64M, 1G.")
    var size: String = "1M"

    @Option(help: "pcap, pcap-nsec, pcapng or pcapng-be.")
    var format: String = "pcap"

    @Flag(help: "Compress with LZ4 frames (also implied by an output name ending in .lz4).")
    var lz4 = false

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Number of devices.")
    var devices: Int = 200

    @Option(help: "Write geo.csv, registry.yaml, borderflow.yaml and expected-findings.tsv into DIR.")
    var groundTruth: String?

    func run() throws {
        var options = SynthOptions()
        guard let bytes = ByteCount.parse(size, fractions: true), bytes > 0 else { throw ValidationError("--size: `\(size)` is not a size (e.g. 200K, 64M, 1G)") }
        guard let f = CaptureFileFormat(rawValue: format) else {
            throw ValidationError("--format: one of \(CaptureFileFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        options.targetBytes = bytes
        options.format = f
        options.lz4 = lz4 || output.hasSuffix(".lz4")
        options.zstd = !options.lz4 && output.hasSuffix(".zst")
        options.seed = seed
        options.devices = max(1, devices)
        let fd: Int32 = output == "-" ? 1 : open(output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw ValidationError("cannot write \(output): \(String(cString: strerror(errno)))") }
        var generator = PlantGenerator(options: options)
        let summary = try generator.write(to: fd)
        if fd != 1 { close(fd) }
        if let dir = groundTruth {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try PlantModel.geoCSV.write(toFile: dir + "/geo.csv", atomically: true, encoding: .utf8)
            try PlantModel.registryYAML.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
            try "home: [\(PlantModel.home)]\ngeo: [geo.csv]\nregistry: registry.yaml\nfail_on: high\n"
                .write(toFile: dir + "/borderflow.yaml", atomically: true, encoding: .utf8)
            let tsv = "rule\tserver\n" + PlantModel.expectedFindings.map { "\($0.0)\t\($0.1)" }.joined(separator: "\n") + "\n"
            try tsv.write(toFile: dir + "/expected-findings.tsv", atomically: true, encoding: .utf8)
        }
        printError("\(output): \(summary.packets) packets, \(summary.sessions) sessions, \(summary.bytes) bytes" + (options.lz4 || options.zstd ? " (\(summary.fileBytes) compressed)" : ""))
    }
}
