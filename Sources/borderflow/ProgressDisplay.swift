import Dispatch
import Foundation
import Pipeline
import Synchronization
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// One line on standard error, redrawn five times a second: inputs done, bytes/s,
/// ETA, findings so far, and what limits the run (the disk, or the CPU).
final class ProgressDisplay: Sendable {
    let progress: ScanProgress
    let totalInputs: Int
    let totalBytes: Int
    let started = DispatchTime.now().uptimeNanoseconds
    let running = Atomic<Bool>(false)
    let done = DispatchSemaphore(value: 0)

    init(progress: ScanProgress, inputs: [InputSource]) {
        self.progress = progress
        totalInputs = inputs.count
        var bytes = 0
        for case let .file(path) in inputs {
            var st = stat()
            if stat(path, &st) == 0 { bytes += Int(st.st_size) }
        }
        totalBytes = bytes
    }

    func start() {
        running.store(true, ordering: .relaxed)
        let thread = Thread { [self] in
            var lastCPU = cpuSeconds()
            var lastWall = DispatchTime.now().uptimeNanoseconds
            var share = 1.0
            while running.load(ordering: .relaxed) {
                usleep(200_000)
                let cpu = cpuSeconds()
                let wall = DispatchTime.now().uptimeNanoseconds
                if wall > lastWall { share = (cpu - lastCPU) / (Double(wall - lastWall) / 1e9) }
                lastCPU = cpu
                lastWall = wall
                draw(cpuShare: share)
            }
            writeStandardError("\r\u{1B}[K")
            done.signal()
        }
        thread.start()
    }

    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        done.wait()
    }

    func draw(cpuShare: Double) {
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        let bytes = min(progress.bytesRead.load(ordering: .relaxed), max(totalBytes, 1))
        let rate = elapsed > 0 ? Double(bytes) / elapsed : 0
        var line = "\(progress.inputsDone.load(ordering: .relaxed))/\(totalInputs) inputs  \(human(Double(bytes)))"
        if totalBytes > 0 { line += "/\(human(Double(totalBytes)))" }
        line += "  \(human(rate))/s"
        if rate > 0, totalBytes > bytes { line += "  ETA \(Int(Double(totalBytes - bytes) / rate))s" }
        line += "  \(progress.findings) findings"
        // Workers that cannot use their cores are waiting on the disk.
        let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
        line += cpuShare < 0.6 * min(cores, Double(max(totalInputs, 1))) ? "  (limited by reading)" : "  (limited by CPU)"
        writeStandardError("\r\u{1B}[K" + line)
    }

    func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func human(_ v: Double) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var x = v, i = 0
        while x >= 1000, i < units.count - 1 { x /= 1000; i += 1 }
        return String(format: i == 0 ? "%.0f %@" : "%.1f %@", x, units[i])
    }
}

/// Straight to file descriptor 2 (the progress thread shares no stdio state).
func writeStandardError(_ text: String) {
    var t = text
    t.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
}
