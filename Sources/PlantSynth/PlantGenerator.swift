import CaptureFormats
import WireBytes

/// Options of `borderflow synth`.
public struct SynthOptions: Sendable {
    public var seed: UInt64 = 1
    /// Stop once the capture holds at least this many bytes (before compression).
    public var targetBytes = 1 << 20
    public var format = CaptureFileFormat.pcap
    public var lz4 = false
    /// One Zstandard frame instead (an output name ending in `.zst`).
    public var zstd = false
    public var devices = 200
    public var vlans = 8
    /// Sessions open at once (interleaved packet by packet).
    public var concurrency = 256
    /// 2026-03-02T08:00:00Z.
    public var start: Int64 = 1_772_438_400 * 1_000_000_000
    public init() {}
}

public struct SynthSummary: Sendable {
    public var packets = 0
    public var bytes = 0
    public var sessions = 0
    public var fileBytes = 0
}

/// A small, fast, seeded PRNG (SplitMix64): same seed, same capture.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
}

/// One step of a session script.
struct Step {
    enum Kind: UInt8 { case syn, synAck, ack, data, fin, datagram }
    var kind: Kind
    var fromClient: Bool
    /// Payload template index (-1: filler bytes) and length.
    var template: Int32 = -1
    var length: Int32 = 0
}

/// A conversation being written: its endpoints, TCP sequence state and script.
struct Session {
    var client: IPAddress
    var server: IPAddress
    var clientPort: UInt16
    var serverPort: UInt16
    var udp: Bool
    var vlan: UInt16
    var clientMAC: UInt64
    var steps: [Step]
    var next = 0
    var seqClient: UInt32
    var seqServer: UInt32
}

/// Writes synthetic plant traffic: deterministic, streaming, one reused output buffer.
public struct PlantGenerator {
    let options: SynthOptions
    var rng: SplitMix
    var templates: [[UInt8]] = []
    var templateIndex: [String: Int32] = [:]
    var filler: [UInt8]
    var time: Int64
    var summary = SynthSummary()

    public init(options: SynthOptions) {
        self.options = options
        rng = SplitMix(state: options.seed)
        var f = [UInt8](repeating: 0, count: 65536)
        var r = SplitMix(state: options.seed ^ 0xF111)
        for i in stride(from: 0, to: f.count, by: 8) {
            let v = r.next()
            for k in 0 ..< 8 { f[i + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
        }
        filler = f
        time = options.start
    }

    mutating func template(_ key: String, _ make: () -> [UInt8]) -> Int32 {
        if let i = templateIndex[key] { return i }
        let i = Int32(templates.count)
        templates.append(make())
        templateIndex[key] = i
        return i
    }

    /// Generates until the target size, writing to `fd`.
    public mutating func write(to fd: Int32) throws -> SynthSummary {
        let sink = try ByteSink(fd: fd, compression: options.zstd ? .zstd : options.lz4 ? .lz4 : .none)
        let writer = FrameWriter(format: options.format, sink: sink)
        try writer.header()
        var active: [Session] = []
        var round = 0
        // Small captures open fewer sessions at once, so the size stays near the target.
        let concurrency = max(4, min(options.concurrency, options.targetBytes / 65536))
        while sink.bytesIn < options.targetBytes {
            while active.count < concurrency, sink.bytesIn < options.targetBytes || active.isEmpty {
                active.append(contentsOf: makeSessions(round: round))
                round += 1
            }
            // Interleave: the next packet comes from a random open session.
            let k = rng.below(active.count)
            try emit(&active[k], writer)
            if active[k].next >= active[k].steps.count {
                active.swapAt(k, active.count - 1)
                active.removeLast()
                summary.sessions += 1
            }
        }
        // Let open sessions finish so flows end cleanly.
        while !active.isEmpty {
            try emit(&active[active.count - 1], writer)
            if active[active.count - 1].next >= active[active.count - 1].steps.count {
                active.removeLast()
                summary.sessions += 1
            }
        }
        try sink.finish()
        summary.bytes = sink.bytesIn
        summary.fileBytes = sink.bytesOut
        return summary
    }

    // MARK: sessions

    func device(_ n: Int) -> (IPAddress, UInt16, UInt64) {
        let vlan = n % options.vlans
        let host = n / options.vlans
        return (IPAddress(v4: 0x0A00_0000 | UInt32(vlan) << 16 | UInt32(host / 250 + 1) << 8 | UInt32(host % 250 + 2)),
                UInt16(100 + vlan), 0x02_00_00_00_00_00 | UInt64(n))
    }

    mutating func tcp(_ d: Int, _ server: IPAddress, _ port: UInt16, _ exchanges: [(Bool, Int32, Int32)], close: Bool = true) -> Session {
        let (ip, vlan, mac) = device(d)
        var steps: [Step] = [Step(kind: .syn, fromClient: true), Step(kind: .synAck, fromClient: false), Step(kind: .ack, fromClient: true)]
        for (fromClient, t, l) in exchanges {
            steps.append(Step(kind: .data, fromClient: fromClient, template: t, length: l))
            if rng.below(3) == 0 { steps.append(Step(kind: .ack, fromClient: !fromClient)) }
        }
        if close {
            steps.append(Step(kind: .fin, fromClient: true))
            steps.append(Step(kind: .fin, fromClient: false))
            steps.append(Step(kind: .ack, fromClient: true))
        }
        return Session(client: ip, server: server, clientPort: UInt16(32768 + rng.below(28000)), serverPort: port, udp: false,
                       vlan: vlan, clientMAC: mac, steps: steps, seqClient: UInt32(truncatingIfNeeded: rng.next()),
                       seqServer: UInt32(truncatingIfNeeded: rng.next()))
    }

    mutating func udp(_ d: Int, _ client: IPAddress? = nil, _ server: IPAddress, _ port: UInt16, _ datagrams: [(Bool, Int32, Int32)]) -> Session {
        let (ip, vlan, mac) = device(d)
        return Session(client: client ?? ip, server: server, clientPort: port == 123 ? 123 : UInt16(32768 + rng.below(28000)), serverPort: port,
                       udp: true, vlan: vlan, clientMAC: mac,
                       steps: datagrams.map { Step(kind: .datagram, fromClient: $0.0, template: $0.1, length: $0.2) }, seqClient: 0, seqServer: 0)
    }

    func server(_ s: SynthServer.Service, country: String? = nil) -> SynthServer {
        PlantModel.servers.first { $0.service == s && (country == nil || $0.country == country) }!
    }

    /// One round: each device in a slice of the plant starts a few conversations.
    mutating func makeSessions(round: Int) -> [Session] {
        var out: [Session] = []
        let d = round % options.devices
        let s = PlantModel.servers
        let resolver = server(.dns).address
        // Telemetry: MQTT to the registered EU cloud and the domestic cloud.
        let publishes = (0 ..< (2 + rng.below(6))).map { _ in (true, mqttPublish(d), Int32(0)) }
        out.append(tcp(d, s[rng.below(2) == 0 ? 0 : 10].address, 1883, [(true, mqttConnect(d), 0), (false, mqttConnAck(), 0)] + publishes))
        // DNS, then MQTT to a server known only by DNS (registered for another purpose).
        if round % 3 == 0 {
            let partner = s[5]
            out.append(udp(d, nil, resolver, 53, [(true, dnsQuery(partner.hostname!), 0), (false, dnsAnswer(partner.hostname!, partner.address), 0)]))
            out.append(tcp(d, partner.address, 1883, [(true, mqttConnect(d), 0), (false, mqttConnAck(), 0), (true, mqttPublish(d), 0)]))
        }
        // HTTPS telemetry to an unregistered analytics API; some to an unplaced address.
        if round % 2 == 0 {
            let target = round % 10 == 0 ? s[6] : s[2]
            out.append(tcp(d, target.address, 443, [(true, clientHello(target.hostname ?? ""), 0), (false, serverHello(), 0),
                                                    (true, -1, Int32(200 + rng.below(800))), (false, -1, Int32(300 + rng.below(1200)))]))
        }
        // Firmware download over HTTP from the registered OTA host (the bulk of the bytes).
        if round % 4 == 1 {
            let fw = s[1]
            var ex: [(Bool, Int32, Int32)] = [(true, httpGet(fw.hostname!), 0), (false, httpOK(), 0)]
            for _ in 0 ..< (20 + rng.below(200)) { ex.append((false, -1, 1460)) }
            out.append(tcp(d, fw.address, 80, ex))
        }
        // Remote maintenance: SSH from the registered vendor, RDP to the expired one.
        if round % 25 == 3 {
            var ex: [(Bool, Int32, Int32)] = [(false, sshBanner("OpenSSH_9.6"), 0), (true, sshBanner("OpenSSH_9.2p1"), 0)]
            for _ in 0 ..< 30 { ex.append((rng.below(2) == 0, -1, Int32(48 + rng.below(400)))) }
            out.append(tcp(d, s[3].address, 22, ex))
        }
        if round % 30 == 5 {
            var ex: [(Bool, Int32, Int32)] = [(true, rdpConnect(), 0), (false, rdpConfirm(), 0)]
            for _ in 0 ..< 40 { ex.append((rng.below(3) == 0, -1, Int32(100 + rng.below(1300)))) }
            out.append(tcp(d, s[4].address, 3389, ex))
        }
        // Time and device management: NTP to the domestic server; LwM2M over IPv6.
        if round % 5 == 2 {
            out.append(udp(d, nil, s[9].address, 123, [(true, ntp(mode: 3), 0), (false, ntp(mode: 4), 0)]))
        }
        if round % 6 == 4 {
            let v6 = IPAddress(high: 0xFD00_0000_0000_0000 | UInt64(d % options.vlans), low: UInt64(d + 2))
            out.append(udp(d, v6, s[7].address, 5683, [(true, coapFirmware(), 0), (false, coapAck(), 0)]))
        }
        // MQTT over TLS to the registered IoT cloud broker, its ALPN naming MQTT.
        if round % 4 == 3 {
            let broker = server(.mqttTLS)
            out.append(tcp(d, broker.address, 443, [(true, clientHello(broker.hostname!, alpn: "x-amzn-mqtt-ca"), 0), (false, serverHello(), 0),
                                                    (true, -1, Int32(100 + rng.below(300))), (false, -1, 40)]))
        }
        // A vendor's TeamViewer session, an OpenVPN and a WireGuard tunnel abroad.
        if round % 40 == 7 {
            var ex: [(Bool, Int32, Int32)] = [(true, teamViewerHello(), 0), (false, teamViewerReply(), 0)]
            for _ in 0 ..< 20 { ex.append((rng.below(2) == 0, -1, Int32(60 + rng.below(900)))) }
            out.append(tcp(d, server(.teamviewer).address, 5938, ex))
        }
        if round % 50 == 11 {
            var ex: [(Bool, Int32, Int32)] = [(true, openVPNClientReset(), 0), (false, openVPNServerReset(), 0)]
            for _ in 0 ..< 16 { ex.append((rng.below(2) == 0, -1, Int32(100 + rng.below(1200)))) }
            out.append(udp(d, nil, server(.openvpn).address, 1194, ex))
        }
        if round % 50 == 23 {
            var ex: [(Bool, Int32, Int32)] = [(true, wireGuardInitiation(), 0), (false, wireGuardResponse(), 0)]
            for _ in 0 ..< 16 { ex.append((rng.below(2) == 0, -1, Int32(32 + 16 * rng.below(60)))) }
            out.append(udp(d, nil, server(.wireguard).address, 51820, ex))
        }
        // Device data copied into a database abroad: more than 64 KiB up, little back.
        if round % 60 == 17 {
            var ex: [(Bool, Int32, Int32)] = [(true, postgresStartup(), 0), (false, postgresAuthOK(), 0)]
            for _ in 0 ..< (60 + rng.below(40)) { ex.append((true, -1, 1460)) }
            out.append(tcp(d, server(.postgresql).address, 5432, ex))
        }
        // TLS named only by its server name: telemetry to an IoT hub (registered for it by
        // hostname), and device data uploaded to object storage abroad.
        if round % 8 == 5 {
            let hub = server(.iotHub)
            out.append(tcp(d, hub.address, 443, [(true, clientHello(hub.hostname!, alpn: "h2"), 0), (false, serverHello(), 0),
                                                 (true, -1, Int32(200 + rng.below(400))), (false, -1, 60)]))
        }
        if round % 60 == 41 {
            let bucket = server(.objectStorage)
            var ex: [(Bool, Int32, Int32)] = [(true, clientHello(bucket.hostname!), 0), (false, serverHello(), 0)]
            for _ in 0 ..< (60 + rng.below(40)) { ex.append((true, -1, 1460)) }
            ex.append((false, -1, 120))
            out.append(tcp(d, bucket.address, 443, ex))
        }
        // Inside the plant: Modbus polling between private addresses.
        if round % 2 == 1 {
            let plc = device((d + 1) % options.devices).0
            var ex: [(Bool, Int32, Int32)] = []
            for _ in 0 ..< 4 { ex.append((true, modbusRead(), 0)); ex.append((false, modbusReply(), 0)) }
            out.append(tcp(d, plc, 502, ex))
        }
        return out
    }

    // MARK: packets

    mutating func emit(_ s: inout Session, _ w: FrameWriter) throws {
        let step = s.steps[s.next]
        s.next += 1
        time += Int64(20_000 + rng.below(2_000_000))
        let payloadLength: Int
        if step.kind == .data || step.kind == .datagram {
            if step.template >= 0 {
                payloadLength = templates[Int(step.template)].count
            } else {
                payloadLength = Int(step.length)
            }
        } else {
            payloadLength = 0
        }
        let v6 = !s.server.isIPv4
        let l4 = s.udp ? 8 : 20
        let ipHeader = v6 ? 40 : 20
        let length = 14 + 4 + ipHeader + l4 + payloadLength
        let (p, _) = try w.beginRecord(time: time, length: length)
        let src = step.fromClient ? s.client : s.server
        let dst = step.fromClient ? s.server : s.client
        // Ethernet + 802.1Q
        let macA = step.fromClient ? 0x00_1B_21_00_00_01 : s.clientMAC
        let macB = step.fromClient ? s.clientMAC : 0x00_1B_21_00_00_01
        for i in 0 ..< 6 { p.storeBytes(of: UInt8(truncatingIfNeeded: macA >> UInt64(40 - 8 * i)), toByteOffset: i, as: UInt8.self) }
        for i in 0 ..< 6 { p.storeBytes(of: UInt8(truncatingIfNeeded: macB >> UInt64(40 - 8 * i)), toByteOffset: 6 + i, as: UInt8.self) }
        p.storeBytes(of: UInt16(0x8100).bigEndian, toByteOffset: 12, as: UInt16.self)
        p.storeBytes(of: s.vlan.bigEndian, toByteOffset: 14, as: UInt16.self)
        p.storeBytes(of: UInt16(v6 ? 0x86DD : 0x0800).bigEndian, toByteOffset: 16, as: UInt16.self)
        let ip = p + 18
        let proto: UInt8 = s.udp ? 17 : 6
        if v6 {
            ip.storeBytes(of: UInt32(0x6000_0000).bigEndian, toByteOffset: 0, as: UInt32.self)
            ip.storeBytes(of: UInt16(l4 + payloadLength).bigEndian, toByteOffset: 4, as: UInt16.self)
            ip.storeBytes(of: proto, toByteOffset: 6, as: UInt8.self)
            ip.storeBytes(of: UInt8(64), toByteOffset: 7, as: UInt8.self)
            ip.storeBytes(of: src.high.bigEndian, toByteOffset: 8, as: UInt64.self)
            ip.storeBytes(of: src.low.bigEndian, toByteOffset: 16, as: UInt64.self)
            ip.storeBytes(of: dst.high.bigEndian, toByteOffset: 24, as: UInt64.self)
            ip.storeBytes(of: dst.low.bigEndian, toByteOffset: 32, as: UInt64.self)
        } else {
            let total = UInt16(20 + l4 + payloadLength)
            ip.storeBytes(of: UInt16(0x4500).bigEndian, toByteOffset: 0, as: UInt16.self)
            ip.storeBytes(of: total.bigEndian, toByteOffset: 2, as: UInt16.self)
            ip.storeBytes(of: UInt16(truncatingIfNeeded: summary.packets).bigEndian, toByteOffset: 4, as: UInt16.self)
            ip.storeBytes(of: UInt16(0x4000).bigEndian, toByteOffset: 6, as: UInt16.self)   // DF
            ip.storeBytes(of: UInt8(64), toByteOffset: 8, as: UInt8.self)
            ip.storeBytes(of: proto, toByteOffset: 9, as: UInt8.self)
            ip.storeBytes(of: UInt16(0), toByteOffset: 10, as: UInt16.self)
            ip.storeBytes(of: src.v4.bigEndian, toByteOffset: 12, as: UInt32.self)
            ip.storeBytes(of: dst.v4.bigEndian, toByteOffset: 16, as: UInt32.self)
            var sum: UInt32 = 0
            for i in stride(from: 0, to: 20, by: 2) { sum += UInt32(UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: i, as: UInt16.self))) }
            while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
            ip.storeBytes(of: (~UInt16(sum)).bigEndian, toByteOffset: 10, as: UInt16.self)
        }
        let t = ip + ipHeader
        let sport = step.fromClient ? s.clientPort : s.serverPort
        let dport = step.fromClient ? s.serverPort : s.clientPort
        t.storeBytes(of: sport.bigEndian, toByteOffset: 0, as: UInt16.self)
        t.storeBytes(of: dport.bigEndian, toByteOffset: 2, as: UInt16.self)
        if s.udp {
            t.storeBytes(of: UInt16(8 + payloadLength).bigEndian, toByteOffset: 4, as: UInt16.self)
            t.storeBytes(of: UInt16(0), toByteOffset: 6, as: UInt16.self)   // checksum not computed
        } else {
            var flags: UInt8 = 0x10
            var consumes: UInt32 = UInt32(payloadLength)
            switch step.kind {
            case .syn: flags = 0x02; consumes = 1
            case .synAck: flags = 0x12; consumes = 1
            case .fin: flags = 0x11; consumes = 1
            case .data: flags = 0x18
            default: break
            }
            let seq = step.fromClient ? s.seqClient : s.seqServer
            let ack: UInt32 = step.kind == .syn ? 0 : (step.fromClient ? s.seqServer : s.seqClient)
            t.storeBytes(of: seq.bigEndian, toByteOffset: 4, as: UInt32.self)
            t.storeBytes(of: ack.bigEndian, toByteOffset: 8, as: UInt32.self)
            t.storeBytes(of: UInt8(0x50), toByteOffset: 12, as: UInt8.self)
            t.storeBytes(of: flags, toByteOffset: 13, as: UInt8.self)
            t.storeBytes(of: UInt16(64240).bigEndian, toByteOffset: 14, as: UInt16.self)
            t.storeBytes(of: UInt32(0), toByteOffset: 16, as: UInt32.self)   // checksum, urgent: not computed
            if step.fromClient { s.seqClient &+= consumes } else { s.seqServer &+= consumes }
        }
        if payloadLength > 0 {
            let dstPayload = t + l4
            if step.template >= 0 {
                templates[Int(step.template)].withUnsafeBytes { dstPayload.copyMemory(from: $0.baseAddress!, byteCount: payloadLength) }
            } else {
                let off = rng.below(filler.count - payloadLength)
                filler.withUnsafeBytes { dstPayload.copyMemory(from: $0.baseAddress! + off, byteCount: payloadLength) }
            }
        }
        summary.packets += 1
        commitRecord(w, length)
    }

    func commitRecord(_ w: FrameWriter, _ length: Int) {
        switch w.format {
        case .pcap, .pcapNano: w.sink.commit(16 + length)
        case .pcapng, .pcapngBig: w.sink.commit(PcapngBlockWriter.packetLength(captured: length))
        }
    }
}
