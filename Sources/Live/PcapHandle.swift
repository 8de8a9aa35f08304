import CPcap
import WireBytes
#if canImport(Glibc)
import Glibc
#endif

/// Packet counters libpcap keeps for a live handle (its 32-bit counters widened, so
/// they do not wrap on a long run).
public struct CaptureDrops: Sendable, Equatable {
    /// Packets the kernel saw for this capture (after the filter).
    public var received: UInt64 = 0
    /// Packets the kernel dropped because the capture buffer was full.
    public var kernel: UInt64 = 0
    /// Packets the interface or its driver dropped (not all drivers tell).
    public var interface: UInt64 = 0

    public init() {}
}

/// One activated libpcap capture handle: opened by interface name, filtered,
/// non-blocking, waited on with poll(2) so that no call blocks for longer than the
/// poll timeout (a signal or the clock is looked at between waits).
public final class PcapHandle {
    private let handle: OpaquePointer
    public let interface: String
    public let linkType: LinkType
    public let snapLength: Int32
    /// Whether timestamps arrive in nanoseconds (else microseconds).
    public let nanosecond: Bool
    private let fd: Int32
    private let pollMilliseconds: Int32
    private var last = pcap_stat()
    private var totals = CaptureDrops()
    /// Warnings libpcap gave on opening (e.g. promiscuous mode not supported).
    public private(set) var warnings: [String] = []

    public init(_ settings: LiveCaptureSettings) throws {
        var errbuf = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        let name = settings.interface
        guard let h = pcap_create(name, &errbuf) else {
            throw LiveCaptureError("cannot capture on \(name): \(PcapHandle.text(errbuf))")
        }
        // Until init ends, a failure must close the handle itself.
        var ok = false
        defer { if !ok { pcap_close(h) } }
        pcap_set_snaplen(h, settings.snapLength)
        pcap_set_promisc(h, settings.promiscuous ? 1 : 0)
        pcap_set_immediate_mode(h, settings.immediate ? 1 : 0)
        pcap_set_timeout(h, settings.pollMilliseconds)
        if let size = settings.bufferSize { pcap_set_buffer_size(h, Int32(clamping: size)) }
        _ = pcap_set_tstamp_precision(h, Int32(PCAP_TSTAMP_PRECISION_NANO))   // micro when not supported

        let status = pcap_activate(h)
        if status < 0 { throw LiveCaptureError(PcapHandle.activationMessage(status, interface: name, detail: String(cString: pcap_geterr(h)))) }
        if status > 0 {
            let detail = PcapHandle.oneLine(String(cString: pcap_geterr(h)))
            warnings.append(status == PCAP_WARNING_PROMISC_NOTSUP ? "\(name) does not support promiscuous mode" : "libpcap: \(detail)")
        }

        if let expression = settings.filter {
            var program = bpf_program()
            if pcap_compile(h, &program, expression, 1, PCAP_NETMASK_UNKNOWN) != 0 {
                throw LiveCaptureError("bad --bpf filter `\(expression)`: \(PcapHandle.oneLine(String(cString: pcap_geterr(h))))")
            }
            defer { pcap_freecode(&program) }
            if pcap_setfilter(h, &program) != 0 {
                throw LiveCaptureError("cannot apply --bpf filter `\(expression)` on \(name): \(PcapHandle.oneLine(String(cString: pcap_geterr(h))))")
            }
        }
        if pcap_setnonblock(h, 1, &errbuf) != 0 {
            throw LiveCaptureError("cannot capture on \(name): \(PcapHandle.text(errbuf))")
        }
        let selectable = pcap_get_selectable_fd(h)
        guard selectable >= 0 else { throw LiveCaptureError("cannot capture on \(name): the capture cannot be waited on") }

        handle = h
        interface = name
        linkType = LinkType(UInt32(bitPattern: pcap_datalink(h))).normalized
        snapLength = pcap_snapshot(h)
        nanosecond = pcap_get_tstamp_precision(h) == Int32(PCAP_TSTAMP_PRECISION_NANO)
        fd = selectable
        pollMilliseconds = settings.pollMilliseconds
        ok = true
    }

    deinit { pcap_close(handle) }

    /// Waits up to the poll timeout for packets, then hands each waiting one (at most
    /// `limit`, or one buffer's worth when nil) to `body`. Returns how many were handed
    /// over; throws when the capture failed (interface gone).
    public func dispatch(limit: Int?, _ body: PacketCallback) throws -> Int {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        _ = poll(&p, 1, pollMilliseconds)   // EINTR (a signal) is fine: the caller looks at it
        let n = withExtendedLifetime(body) {
            pcap_dispatch(handle, Int32(clamping: limit ?? -1), { user, header, bytes in
                guard let user, let header, let bytes else { return }
                let callback = Unmanaged<PacketCallback>.fromOpaque(UnsafeRawPointer(user)).takeUnretainedValue()
                callback.handle(header.pointee, bytes)
            }, Unmanaged.passUnretained(body).toOpaque().assumingMemoryBound(to: UInt8.self))
        }
        if n == PCAP_ERROR {
            throw LiveCaptureError("capture on \(interface) failed: \(PcapHandle.oneLine(String(cString: pcap_geterr(handle))))")
        }
        return max(0, Int(n))
    }

    /// Kernel and interface drops so far (libpcap's counters, widened).
    public func drops() -> CaptureDrops {
        var now = pcap_stat()
        guard pcap_stats(handle, &now) == 0 else { return totals }
        totals.received &+= UInt64(now.ps_recv &- last.ps_recv)
        totals.kernel &+= UInt64(now.ps_drop &- last.ps_drop)
        totals.interface &+= UInt64(now.ps_ifdrop &- last.ps_ifdrop)
        last = now
        return totals
    }

    static func activationMessage(_ status: Int32, interface name: String, detail: String) -> String {
        switch status {
        case PCAP_ERROR_NO_SUCH_DEVICE:
            return "cannot capture on \(name): no such interface (list them with `ip link`)"
        case PCAP_ERROR_PERM_DENIED:
            return "cannot capture on \(name): permission denied (run as root, or give the binary CAP_NET_RAW and CAP_NET_ADMIN: setcap cap_net_raw,cap_net_admin=eip $(command -v borderflow))"
        case PCAP_ERROR_PROMISC_PERM_DENIED:
            return "cannot capture on \(name): no permission for promiscuous mode (try --no-promisc)"
        case PCAP_ERROR_IFACE_NOT_UP:
            return "cannot capture on \(name): the interface is down (ip link set \(name) up)"
        default:
            return "cannot capture on \(name): \(oneLine(detail))"
        }
    }

    /// libpcap's error buffer as one line.
    static func text(_ errbuf: [CChar]) -> String {
        oneLine(String(decoding: errbuf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// libpcap's messages sometimes carry a newline; a live error is one line (docs/contract.md).
    static func oneLine(_ s: String) -> String {
        s.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// Receives packets from `PcapHandle.dispatch`: header and bytes are valid only during
/// the call (they point into libpcap's ring buffer).
public protocol PacketReceiver: AnyObject {
    func receive(_ header: pcap_pkthdr, _ bytes: UnsafePointer<UInt8>)
}

/// The object libpcap's C callback reaches through its user pointer.
public final class PacketCallback {
    let receiver: any PacketReceiver
    public init(_ receiver: any PacketReceiver) { self.receiver = receiver }
    @inline(__always)
    func handle(_ header: pcap_pkthdr, _ bytes: UnsafePointer<UInt8>) { receiver.receive(header, bytes) }
}
