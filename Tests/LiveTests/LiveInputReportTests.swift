import Live
import Pipeline
import Reporting
import Testing

/// The live input object: drops as fields and as warnings, failures as errors.
@Suite struct LiveInputReportTests {
    func info(kernel: UInt64, interface: UInt64) -> LiveCaptureInfo {
        var drops = CaptureDrops()
        drops.received = 1000
        drops.kernel = kernel
        drops.interface = interface
        return LiveCaptureInfo(interface: "eth1", linkType: "ethernet", snapLength: 262_144, filter: "not port 22",
                               promiscuous: true, drops: drops, stoppedBy: .signal, archives: ["a.pcapng.lz4"])
    }

    var scan: InputScan {
        var summary = CaptureSummary(path: "live:eth1")
        summary.packets = 990
        summary.bytes = 123_456
        summary.first = 1_795_000_000_000_000_000
        summary.last = 1_795_000_060_000_000_000
        return InputScan(summary: summary, stats: PacketStats())
    }

    func object(_ j: JSON) -> [(String, JSON)] {
        if case let .object(m) = j { return m }
        return []
    }

    @Test func dropsAreFieldsAndWarnings() {
        let input = LiveInputReport.make(scan, info: info(kernel: 7, interface: 3), captureError: nil, archiveError: nil)
        #expect(input.path == "live:eth1" && input.packets == 990)
        #expect(input.warnings.count == 2)
        #expect(input.warnings[0].hasPrefix("7 packets dropped by the kernel"))
        #expect(input.warnings[1].hasPrefix("3 packets dropped by the interface"))
        #expect(!input.hasErrors)
        let members = object(input.json)
        #expect(members.map(\.0).prefix(5) == ["path", "format", "packets", "bytes", "live"])
        let live = object(members.first { $0.0 == "live" }!.1)
        #expect(live.first { $0.0 == "kernelDrops" }?.1 == .int(7))
        #expect(live.first { $0.0 == "interfaceDrops" }?.1 == .int(3))
        #expect(live.first { $0.0 == "filter" }?.1 == .string("not port 22"))
        #expect(live.first { $0.0 == "stoppedBy" }?.1 == .string("signal"))
        #expect(live.first { $0.0 == "durationSeconds" }?.1 == .double(60))
        guard case let .array(warnings)? = members.first(where: { $0.0 == "warnings" })?.1 else {
            Issue.record("no warnings array")
            return
        }
        #expect(warnings.count == 2)
    }

    @Test func noDropsNoWarnings() {
        let input = LiveInputReport.make(scan, info: info(kernel: 0, interface: 0), captureError: nil, archiveError: nil)
        #expect(input.warnings.isEmpty && !input.hasErrors)
    }

    @Test func failuresAreErrorsAndWarnings() {
        let input = LiveInputReport.make(scan, info: info(kernel: 0, interface: 0), captureError: "capture on eth1 failed: The interface went down",
                                         archiveError: "cannot write a.pcapng.lz4.part: No space left on device")
        #expect(input.hasErrors && input.errors == ["capture on eth1 failed: The interface went down"])
        #expect(input.warnings == ["--write stopped: cannot write a.pcapng.lz4.part: No space left on device"])
    }
}
