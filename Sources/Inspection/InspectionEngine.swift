import Verdicts
import WireBytes

/// Runs the detectors over a flow's first payloads. One engine per worker: it owns
/// the name table, the DNS name map and the pool of reassembly buffers.
public struct InspectionEngine: ~Copyable {
    public var names = NameTable()
    public var dnsNames = DNSNameMap()
    private var streams = StreamPool()

    public init() {}

    /// Inspects one packet's payload for its flow. `sequence` is the TCP sequence
    /// number (nil for UDP); reassembly keeps the first bytes of each direction in
    /// order when a message spans segments.
    public mutating func inspect(_ s: inout InspectionState, payload: UnsafeRawBufferPointer, transport: Transport,
                                 fromInitiator: Bool, sourcePort: UInt16, destinationPort: UInt16, sequence: UInt32?) {
        guard !s.done, !payload.isEmpty else { return }
        let index = Int(s.payloadPackets)
        s.payloadPackets &+= 1
        var findings = DetectorFindings()

        // QUIC: the client's Initial packets decrypt with keys derived from the client's
        // first DCID; their CRYPTO frames carry the ClientHello, perhaps over several packets.
        if transport == .udp, fromInitiator, s.app == .unknown || s.app == .quic, s.hostname == 0,
           payload.count >= 20, payload[0] & 0xC0 == 0xC0,
           let d = QUICInitial.decrypt(payload, firstDCID: s.stream == 0 ? nil : streams.note(slot: Int(s.stream) - 1)) {
            s.app = .quic
            if s.stream == 0 { s.stream = UInt32(streams.open() + 1) }
            // The DCID whose keys worked (after a Retry, the new one) serves the next Initials.
            streams.setNote(slot: Int(s.stream) - 1, d.keyDCID)
            if d.version == QUICInitial.versionQ050 {
                // Google QUIC: a CHLO with an SNI tag, not a TLS ClientHello.
                if let name = d.plain.withUnsafeBytes({ QUICDetector.gquicSNI($0, from: 0) }) { findings.hostname = name }
                merge(findings, into: &s)
                finish(&s)
                return
            }
            let chunks = d.plain.withUnsafeBytes { QUICInitial.frames($0) } ?? []
            let slot = Int(s.stream) - 1
            for chunk in chunks.sorted(by: { $0.offset < $1.offset }) {
                // The reassembly buffer starts at offset 0; a chunk before it waits for a later packet.
                if !streams.hasStarted(slot: slot, fromInitiator: true), chunk.offset != 0 { continue }
                let grown = chunk.data.withUnsafeBytes { streams.append(slot: slot, fromInitiator: true, sequence: UInt32(chunk.offset), payload: $0) }
                if let bytes = grown, case let .complete(info, _) = QUICInitial.clientHello(bytes) {
                    if let name = info.serverName { findings.hostname = name }
                    findings.offered = CategoryRules.offered(byALPN: info.alpn)
                    merge(findings, into: &s)
                    finish(&s)
                    return
                }
            }
            if index + 1 >= InspectionLimits.packetBudget { finish(&s) }
            return
        }

        if s.app != .unknown {
            // Detected: follow the flow a little longer for metadata (DNS answers, HTTP responses).
            if index >= InspectionLimits.metadataBudget { finish(&s); return }
            let view = PayloadView(bytes: payload, transport: transport, fromInitiator: fromInitiator,
                                   sourcePort: sourcePort, destinationPort: destinationPort, index: index)
            if let d = Detectors.all.first(where: { $0.app == s.app }) ?? metadataDetector(s.app) {
                _ = d.inspect(view, &findings)
                merge(findings, into: &s)
                if findings.finished { finish(&s) }
            } else {
                finish(&s)
            }
            return
        }

        // Detectors judge the start of a direction's stream: once a message spans
        // segments, they see the reassembled start (and may rule themselves out on it);
        // a lone later segment may still carry a new message (S7 after a COTP connect),
        // so it is tried too, without ruling anything out.
        var verdictNeedsMore = false
        let candidates = (transport == .tcp ? Detectors.tcpMask : Detectors.udpMask)
        func run(_ bytes: UnsafeRawBufferPointer, reassembled: Bool, markExclusions: Bool,
                 _ s: inout InspectionState, _ findings: inout DetectorFindings) -> Bool {
            let view = PayloadView(bytes: bytes, transport: transport, fromInitiator: fromInitiator,
                                   sourcePort: sourcePort, destinationPort: destinationPort, index: index, reassembled: reassembled)
            var bits = candidates & ~s.excluded
            while bits != 0 {
                let i = bits.trailingZeroBitCount
                bits &= bits - 1
                switch Detectors.all[i].inspect(view, &findings) {
                case let .detected(app):
                    s.app = app
                    return true
                case .needMore:
                    verdictNeedsMore = true
                case .excluded:
                    if markExclusions { s.excluded |= 1 << UInt64(i) }
                }
            }
            return false
        }

        var detected = false
        if transport == .tcp, let sequence, s.stream != 0 {
            let slot = Int(s.stream) - 1
            let firstOfDirection = !streams.hasStarted(slot: slot, fromInitiator: fromInitiator)
            if let bytes = streams.append(slot: slot, fromInitiator: fromInitiator, sequence: sequence, payload: payload),
               bytes.count > payload.count {
                detected = run(bytes, reassembled: true, markExclusions: true, &s, &findings)
            }
            if !detected { detected = run(payload, reassembled: false, markExclusions: firstOfDirection, &s, &findings) }
        } else {
            detected = run(payload, reassembled: false, markExclusions: true, &s, &findings)
            // A message that may span segments: start keeping this direction's bytes.
            if !detected, verdictNeedsMore, transport == .tcp, let sequence, s.stream == 0 {
                s.stream = UInt32(streams.open() + 1)
                _ = streams.append(slot: Int(s.stream) - 1, fromInitiator: fromInitiator, sequence: sequence, payload: payload)
            }
        }
        merge(findings, into: &s)
        if detected {
            // DNS and HTTP have metadata in later packets; QUIC's name waits for the client
            // Initial; TLS without a name is followed for the server's certificates.
            if s.app != .dns, s.app != .http, !(s.app == .quic && s.hostname == 0), !(s.app == .tls && s.hostname == 0) { finish(&s) }
            releaseStream(&s)
        } else if Int(s.payloadPackets) >= InspectionLimits.packetBudget
                    || (transport == .tcp ? Detectors.tcpMask : Detectors.udpMask) & ~s.excluded == 0 {
            finish(&s)
        }
    }

    private func metadataDetector(_ app: AppProtocol) -> (any ProtocolDetector.Type)? {
        switch app {
        case .doh: return HTTPDetector.self
        default: return nil
        }
    }

    private mutating func merge(_ f: DetectorFindings, into s: inout InspectionState) {
        if let h = f.hostname, !h.isEmpty, s.hostname == 0 { s.hostname = names.intern(h.lowercased()) }
        if let c = f.category { s.category = c }
        if let o = f.offered { s.offered = o }
        if let a = f.refinedApp { s.app = a }
        if let dns = f.dns { dnsNames.learn(dns, names: &names) }
    }

    private mutating func finish(_ s: inout InspectionState) {
        s.done = true
        releaseStream(&s)
    }

    /// Frees a flow's reassembly buffers; call when the flow ends.
    public mutating func releaseStream(_ s: inout InspectionState) {
        if s.stream != 0 {
            streams.close(Int(s.stream) - 1)
            s.stream = 0
        }
    }

    /// The flow's own name (SNI, Host), if inspection found one.
    public func ownName(of s: InspectionState) -> String? { names[s.hostname] }

    /// Every address DNS answers named so far, with its name.
    public func dnsNameStrings() -> [IPAddress: String] {
        var out: [IPAddress: String] = [:]
        out.reserveCapacity(dnsNames.count)
        for (a, id) in dnsNames.entries { if let n = names[id] { out[a] = n } }
        return out
    }

    /// The flow's hostname: its own (SNI, Host), else what DNS said of the server.
    public func hostname(of s: InspectionState, server: IPAddress) -> String? {
        if let h = names[s.hostname] { return h }
        if let id = dnsNames.name(for: server) { return names[id] }
        return nil
    }
}

/// Reassembly buffers for the first bytes of TCP streams, one pair (one per direction)
/// per slot, reused across flows; each holds bytes in sequence order only.
struct StreamPool {
    private var buffers: [[UInt8]] = []
    private var next: [UInt32] = []     // next expected sequence per buffer
    private var started: [Bool] = []
    /// A few bytes kept per slot for its flow (QUIC: the DCID the Initial keys come from).
    private var notes: [[UInt8]] = []
    private var free: [Int] = []

    mutating func open() -> Int {
        if let slot = free.popLast() { return slot }
        let slot = buffers.count / 2
        for _ in 0 ..< 2 {
            var b: [UInt8] = []
            b.reserveCapacity(4096)
            buffers.append(b)
            next.append(0)
            started.append(false)
        }
        notes.append([])
        return slot
    }

    func note(slot: Int) -> [UInt8] { notes[slot] }

    mutating func setNote(slot: Int, _ bytes: [UInt8]) { notes[slot] = bytes }

    func hasStarted(slot: Int, fromInitiator: Bool) -> Bool {
        started[2 * slot + (fromInitiator ? 0 : 1)]
    }

    mutating func close(_ slot: Int) {
        for k in 2 * slot ... 2 * slot + 1 {
            buffers[k].removeAll(keepingCapacity: buffers[k].capacity <= 16384)
            started[k] = false
        }
        notes[slot].removeAll()
        free.append(slot)
    }

    /// Appends in-order bytes; returns the buffer when it grew (nil for a duplicate,
    /// a gap, or a full buffer).
    mutating func append(slot: Int, fromInitiator: Bool, sequence: UInt32, payload: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        let k = 2 * slot + (fromInitiator ? 0 : 1)
        if !started[k] {
            started[k] = true
            next[k] = sequence
        }
        guard sequence == next[k] else {
            // A retransmission overlapping what we have: take only the new tail.
            let behind = next[k] &- sequence
            guard behind < UInt32(payload.count), behind < 1 << 30 else { return nil }
            return append(slot: slot, fromInitiator: fromInitiator, sequence: next[k],
                          payload: UnsafeRawBufferPointer(rebasing: payload[Int(behind)...]))
        }
        let room = InspectionLimits.streamBytes - buffers[k].count
        guard room > 0 else { return nil }
        let take = min(room, payload.count)
        buffers[k].append(contentsOf: UnsafeRawBufferPointer(rebasing: payload[0 ..< take]))
        next[k] = sequence &+ UInt32(take)
        return buffers[k].withUnsafeBytes { UnsafeRawBufferPointer(start: $0.baseAddress, count: $0.count) }
    }
}
