import Live
#if canImport(Glibc)
@preconcurrency import Glibc
#endif

/// `live`'s progress line on standard error (a terminal only): time, packets, bytes,
/// live flows, findings, and drops, redrawn in place once a second.
struct LiveProgressLine {
    let interface: String

    func draw(_ p: LiveProgress) {
        var line = "\(interface)  \(p.elapsed / 1_000_000_000) s  \(p.packets) packets  \(bytes(p.bytes))"
        line += "  \(p.liveFlows) flows open  \(p.findings) findings"
        line += "  dropped: \(p.drops.kernel) kernel, \(p.drops.interface) interface"
        writeStandardError("\r\u{1B}[K" + line)
    }

    func clear() { writeStandardError("\r\u{1B}[K") }

    func bytes(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var x = Double(n), i = 0
        while x >= 1000, i < units.count - 1 { x /= 1000; i += 1 }
        if i == 0 { return "\(n) B" }
        return "\(Double(Int(x * 10)) / 10) \(units[i])"
    }
}
