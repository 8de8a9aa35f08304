/// How to open an interface for live capture (the options of `borderflow live`).
public struct LiveCaptureSettings: Sendable {
    public var interface: String
    /// A BPF expression, compiled by libpcap for the interface's link type.
    public var filter: String?
    public var snapLength: Int32 = 262_144
    public var promiscuous = true
    /// Packets are handed over as they arrive, not when a kernel block fills.
    public var immediate = true
    /// Kernel capture buffer in bytes; nil keeps libpcap's default (2 MiB on Linux).
    public var bufferSize: Int?
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
