import ArgumentParser
import Live
import Pipeline
import Reporting
import WireBytes
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

struct LiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Capture on an interface and do what `scan` does, on packets as they arrive.",
        discussion: """
        Captures through libpcap (a mirror port, a TAP, a bridge), builds flows, judges \
        them like `scan`, and writes rolling reports of new and changed findings while it \
        runs. Stops on Ctrl-C (SIGINT), SIGTERM, --duration or --count; then every flow \
        still open is ended and judged, and the report is written in the same shape as \
        `scan`'s (--format text, json, ndjson, csv, sarif, html). The report's one input \
        is `live:IFACE`, with kernel and interface drops (a warning when there were any).

        Examples:
          borderflow live -i eth1 --home CN --registry registry.yaml
          borderflow live -i eth1 --bpf 'not port 22' --updates updates.ndjson
          borderflow live -i eth1 --duration 3600 --format json -o hour.json
          borderflow live -i eth1 --write /srv/bf/plant.pcapng.lz4 --rotate 15m
          cat /srv/bf/plant-*.pcapng.lz4 | borderflow scan -   the same findings

        Rolling reports: every --report-every seconds (default 60; 0: none) one NDJSON \
        line per finding that is new or changed since the last one ({"type":"finding", \
        "change":"new"|"changed","at":TIME,...}), to --updates FILE or standard output. \
        A finding is counted when its flow ends: idle flows end after their timeout (UDP \
        60 s, TCP 300 s), long ones are cut every 30 minutes.

        --write FILE keeps what was captured as pcapng, LZ4-compressed when FILE ends in \
        .lz4, Zstandard when it ends in .zst. A file is written as FILE.part and renamed when complete. With --rotate \
        (100M: size, powers of 1024; 15m, 1h: time, cut at UTC multiples) the files are \
        named by their start and number (plant-20261124T081500Z-00001.pcapng.lz4) and \
        sort in the order they were written. Scanned one by one, a flow cut by a rotation \
        counts once per file; joined, they give exactly the live run's findings:
          cat plant-*.pcapng.lz4 | borderflow scan -

        Capturing needs root, or CAP_NET_RAW and CAP_NET_ADMIN:
          setcap cap_net_raw,cap_net_admin=eip $(command -v borderflow)

        Exit status: 0 no finding at or above --fail-on; 1 findings at or above it; 2 a \
        bad filter, a missing interface, no permission, a configuration error, or a \
        capture that failed part-way (the report still covers what was captured).
        """
    )

    @Option(name: [.short, .customLong("interface")], help: ArgumentHelp("Interface to capture on (e.g. eth1; `ip link` lists them).", valueName: "iface"))
    var interface: String

    @Option(help: ArgumentHelp("Capture filter in BPF syntax (as tcpdump takes it), compiled by libpcap, e.g. 'not port 22'.", valueName: "expr"))
    var bpf: String?

    @Option(help: ArgumentHelp("Bytes kept of each packet (1-262144).", valueName: "bytes"))
    var snaplen: Int = 262_144

    @Flag(inversion: .prefixedNo, help: "Promiscuous mode: see traffic not addressed to this host (a mirror port needs it).")
    var promisc = true

    @Flag(inversion: .prefixedNo, help: "Immediate mode: each packet handed over as it arrives (interactive use). Off by default: packets come in batches, within 100 ms, which keeps up with a busy mirror port.")
    var immediate = false

    @Option(help: ArgumentHelp("Kernel capture buffer, e.g. 64M (default: 32M). Raise it when the kernel drops packets.", valueName: "size"))
    var bufferSize: String?

    @Option(help: ArgumentHelp("Stop after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(help: ArgumentHelp("Stop after this many packets (after the filter).", valueName: "n"))
    var count: Int?

    @Option(help: ArgumentHelp("Seconds between rolling reports of new and changed findings (0: none).", valueName: "seconds"))
    var reportEvery: Double = 60

    @Option(help: ArgumentHelp("Write the rolling reports (NDJSON) to FILE instead of standard output.", valueName: "file"))
    var updates: String?

    @Option(help: ArgumentHelp("Keep what is captured as pcapng in FILE (LZ4-compressed when it ends in .lz4).", valueName: "file"))
    var write: String?

    @Option(help: ArgumentHelp("With --write: start a new file at this size (100M, 2G) or time (15m, 1h, 1d).", valueName: "size|time"))
    var rotate: String?

    @OptionGroup var policyOptions: PolicyOptions
    @OptionGroup(title: "Who runs each server") var networkOptions: NetworkOptions

    @OptionGroup var report: ReportOptions

    /// Accepted like scan's and flows' (the common options of docs/contract.md); one interface
    /// is one stream of packets, read by one worker.
    @Option(help: ArgumentHelp("Accepted for scripts shared with scan; a live capture is one stream, read by one worker.", valueName: "n"))
    var jobs: Int?

    @Flag(inversion: .prefixedNo, help: "Show a progress line with drops on standard error (default: when it is a terminal).")
    var progress: Bool?

    @Flag(name: .shortAndLong, help: "No progress and no notes on standard error (errors still).")
    var quiet = false

    func validate() throws {
        if interface.isEmpty { throw ValidationError("-i/--interface needs an interface name (e.g. eth1)") }
        if snaplen < 1 || snaplen > 262_144 { throw ValidationError("--snaplen must be between 1 and 262144") }
        // Bounded above too: seconds become nanoseconds in 64 bits (a year is plenty).
        let year = 366.0 * 86400
        if let duration, !(duration > 0 && duration <= year) { throw ValidationError("--duration must be more than 0 seconds and at most a year") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        if !(reportEvery >= 0 && reportEvery <= year) { throw ValidationError("--report-every must be 0 (none) or more seconds, at most a year") }
        if updates != nil, reportEvery == 0 { throw ValidationError("--updates needs rolling reports (--report-every more than 0)") }
        // One document (json, sarif, csv, html) on standard output cannot have NDJSON lines before it.
        if reportEvery > 0, updates == nil, report.output == nil || report.output == "-",
           report.format.isOneDocument {
            throw ValidationError("--format \(report.format.rawValue) writes one document to standard output, and the rolling reports would go there too: send them to a file with --updates FILE, write the report with -o FILE, or turn them off with --report-every 0")
        }
        if let bufferSize, ByteCount.parse(bufferSize).map({ $0 > 0 && $0 <= Int(Int32.max) }) != true {
            throw ValidationError("--buffer-size: `\(bufferSize)` is not a size such as 8M or 65536 (at most 2G)")
        }
        if let rotate {
            if write == nil { throw ValidationError("--rotate needs --write FILE") }
            if Rotation(rotate) == nil { throw ValidationError("--rotate: `\(rotate)` is neither a size (100M, 2G) nor a time (15m, 1h, 1d)") }
        }
    }

    func run() throws {
        let loaded = try policyOptions.load()
        // The report is written at the end: a place it cannot go must fail now, not after hours of capture.
        for path in [report.output, report.maintenanceLog].compactMap({ $0 }) where path != "-" { try checkWritable(path) }
        let updatesOut = reportEvery > 0 ? try LiveUpdates(path: updates) : nil
        var settings = LiveCaptureSettings(interface: interface)
        settings.filter = bpf
        settings.snapLength = Int32(snaplen)
        settings.promiscuous = promisc
        settings.immediate = immediate
        settings.bufferSize = bufferSize.flatMap { ByteCount.parse($0) } ?? LiveCaptureSettings.defaultBufferSize

        let handle: PcapHandle
        let archive: CaptureArchive?
        do {
            handle = try PcapHandle(settings)
            archive = try write.map {
                try CaptureArchive(path: $0, rotation: rotate.flatMap(Rotation.init), linkType: handle.linkType,
                                   snapLength: handle.snapLength, interface: interface, now: Clock.realtime())
            }
        } catch let e as LiveCaptureError {
            throw CommandFailure(e.description)
        }
        if !quiet { for w in handle.warnings { printError("borderflow: warning: \(w)") } }

        var limits = LiveRunLimits()
        limits.duration = duration.map { Int64($0 * 1e9) }
        limits.count = count
        limits.reportEvery = reportEvery > 0 ? Int64(reportEvery * 1e9) : nil
        let showProgress = !quiet && (progress ?? (isatty(2) != 0))
        let line = LiveProgressLine(interface: interface)

        StopSignal.install()
        if !quiet {
            printError("borderflow: listening on \(interface) (\(handle.linkType.name), snaplen \(handle.snapLength)"
                + (bpf.map { ", filter `\($0)`" } ?? "") + "); Ctrl-C stops and writes the report")
        }
        let scan = LiveScan(handle: handle, policy: loaded.policy, archive: archive)
        let outcome = LiveRun.run(handle: handle, scan: scan, archive: archive, limits: limits,
                                  onUpdate: { changes, now in updatesOut?.write(changes, at: now) },
                                  onProgress: showProgress ? { line.draw($0) } : nil)
        if showProgress { line.clear() }

        let info = LiveCaptureInfo(interface: interface, linkType: handle.linkType.name, snapLength: Int(handle.snapLength),
                                   filter: bpf, promiscuous: promisc, drops: outcome.drops, stoppedBy: outcome.stoppedBy,
                                   archives: outcome.archives)
        let input = LiveInputReport.make(outcome.result.inputs[0], info: info, captureError: outcome.captureError,
                                         archiveError: outcome.archiveError)
        try updatesOut?.finish()
        let code = try report.write(networkOptions.annotate(ScanReport(result: outcome.result, inputs: [input], home: loaded.scope.home,
                                                                       version: BorderflowVersion.string, includeFlows: false, scope: loaded.scope)),
                                    failOn: loaded.failOn)
        if !quiet {
            printError("borderflow: stopped (\(outcome.stoppedBy.rawValue)): \(outcome.result.packets) packets, "
                + "\(outcome.result.findings.findings.count) findings, dropped \(outcome.drops.kernel) by the kernel and "
                + "\(outcome.drops.interface) by the interface" + archivesNote(outcome.archives))
        }
        // The text report on a terminal shows its warnings itself.
        let reportShowsWarnings = report.format == .text && (report.output == nil || report.output == "-")
        for w in input.warnings where !quiet && !reportShowsWarnings { printError("borderflow: warning: \(w)") }
        if input.hasErrors {
            for e in input.errors { printError("borderflow: \(e)") }
            throw ExitCode(2)
        }
        if code != 0 { throw ExitCode(code) }
    }

    /// Whether FILE could be written (without creating it): the file if it is there,
    /// else its directory.
    func checkWritable(_ path: String) throws {
        var target = path
        if access(path, F_OK) != 0 {
            let slash = path.lastIndex(of: "/")
            target = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        }
        if access(target, W_OK) != 0 {
            throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    func archivesNote(_ files: [String]) -> String {
        switch files.count {
        case 0: return ""
        case 1 ... 3: return "; wrote " + files.joined(separator: ", ")
        default: return "; wrote \(files.count) files, \(files[0]) to \(files[files.count - 1])"
        }
    }
}
