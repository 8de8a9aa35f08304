/// How to open an interface for live capture (the options of `borderflow live`).
public struct LiveCaptureSettings: Sendable {
    public var interface: String
    /// A BPF expression, compiled by libpcap for the interface's link type.
    public var filter: String?
    public var snapLength: Int32 = 262_144
    public var promiscuous = true
    /// Packets are handed over as they arrive, not when a kernel block fills (or the
    /// poll timeout passes). Off by default: waking for every packet is what made a
    /// busy mirror port lose packets; batches keep up, and the timeout keeps time.
    public var immediate = false
    /// Kernel capture buffer in bytes (libpcap's TPACKET_V3 ring on Linux): room for
    /// bursts while a batch is judged.
    public var bufferSize: Int? = LiveCaptureSettings.defaultBufferSize
    public static let defaultBufferSize = 32 << 20
    /// How long one wait for packets may last, so the loop can look at the clock
    /// and at signals even on a silent interface.
    public var pollMilliseconds: Int32 = 100

    public init(interface: String) { self.interface = interface }
}

/// Why capture could not start or went on no longer: one line for people.
public struct LiveCaptureError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
