@testable import Inspection
import Testing
import TestSupport
import Verdicts
import WireBytes

/// One message of each protocol, built here byte by byte: every detector recognises
/// its own, and no detector asked before it (`Detectors.all` is the order) claims it
/// for another protocol. A bare clone tests every detector on these.
@Suite struct DetectorSampleTests {
    struct Sample: CustomTestStringConvertible, Sendable {
        var detector: any ProtocolDetector.Type
        var app: AppProtocol
        var transport: Transport
        var bytes: [UInt8]
        var ports: (client: UInt16, server: UInt16)
        var fromClient = true
        var hostname: String?
        var testDescription: String { "\(app) by \(detector)" }
    }

    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16) }
    static func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// DNP3's link-layer CRC (IEEE 1815, polynomial 0x3D65 reflected).
    static func dnp3CRC(_ bytes: [UInt8]) -> [UInt8] {
        var crc: UInt16 = 0
        for b in bytes {
            crc ^= UInt16(b)
            for _ in 0 ..< 8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xA6BC : crc >> 1 }
        }
        crc = ~crc
        return [UInt8(crc & 0xFF), UInt8(crc >> 8)]
    }

    static let samples: [Sample] = {
        var s: [Sample] = []
        s.append(Sample(detector: TLSDetector.self, app: .tls, transport: .tcp, bytes: clientHello(sni: "mqtt.example.com"),
                        ports: (50000, 443), hostname: "mqtt.example.com"))
        s.append(Sample(detector: TLSDetector.self, app: .anydesk, transport: .tcp, bytes: clientHello(sni: nil, alpn: ["anydesk/6.2.0/linux"]),
                        ports: (48260, 443)))
        s.append(Sample(detector: HTTPDetector.self, app: .http, transport: .tcp,
                        bytes: ascii("GET /status HTTP/1.1\r\nHost: plant.example.com\r\n\r\n"), ports: (50001, 80), hostname: "plant.example.com"))
        s.append(Sample(detector: SSHDetector.self, app: .ssh, transport: .tcp, bytes: ascii("SSH-2.0-OpenSSH_9.6\r\n"), ports: (50002, 22)))
        let mqttBody: [UInt8] = be16(4) + ascii("MQTT") + [4, 2] + be16(60) + be16(5) + ascii("dev-1")
        s.append(Sample(detector: MQTTDetector.self, app: .mqtt, transport: .tcp, bytes: [0x10, UInt8(mqttBody.count)] + mqttBody,
                        ports: (50003, 1883)))
        let question: [UInt8] = [7] + ascii("example") + [3] + ascii("com") + [0] + be16(1) + be16(1)
        s.append(Sample(detector: DNSDetector.self, app: .dns, transport: .udp,
                        bytes: be16(0x1234) + be16(0x0100) + be16(1) + be16(0) + be16(0) + be16(0) + question, ports: (50004, 53)))
        let initial: [UInt8] = [0xC3] + [0, 0, 0, 1] + [8] + [UInt8](repeating: 0x5A, count: 8) + [0]
        s.append(Sample(detector: QUICDetector.self, app: .quic, transport: .udp,
                        bytes: initial + [UInt8](repeating: 0, count: 1200 - initial.count), ports: (50005, 443)))
        s.append(Sample(detector: DTLSDetector.self, app: .dtls, transport: .udp,
                        bytes: [23, 0xFE, 0xFD, 0, 1, 0, 0, 0, 0, 0, 7] + be16(4) + [1, 2, 3, 4], ports: (50006, 5684), fromClient: true))
        s.append(Sample(detector: ModbusDetector.self, app: .modbus, transport: .tcp,
                        bytes: [0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x00, 0x00, 0x0A], ports: (50007, 502)))
        let dnp3Header: [UInt8] = [0x05, 0x64, 0x05, 0xC9, 0x01, 0x00, 0x00, 0x04]
        // A vendor function (Schneider UMAS, 90), and an exception reply on another port.
        s.append(Sample(detector: ModbusDetector.self, app: .modbus, transport: .tcp,
                        bytes: [0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x01, 0x5A, 0x00, 0x02], ports: (50025, 502)))
        s.append(Sample(detector: ModbusDetector.self, app: .modbus, transport: .tcp,
                        bytes: [0x00, 0x03, 0x00, 0x00, 0x00, 0x03, 0x01, 0x83, 0x02], ports: (50026, 5020), fromClient: false))
        s.append(Sample(detector: DNP3Detector.self, app: .dnp3, transport: .tcp, bytes: dnp3Header + dnp3CRC(dnp3Header),
                        ports: (50008, 20000)))
        s.append(Sample(detector: IEC104Detector.self, app: .iec104, transport: .tcp, bytes: [0x68, 0x04, 0x07, 0x00, 0x00, 0x00],
                        ports: (50009, 2404)))
        let cookie = ascii("Cookie: mstshash=plant\r\n") + [0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00]
        let cr: [UInt8] = [0xE0, 0, 0, 0, 0, 0] + cookie
        s.append(Sample(detector: TPKTDetector.self, app: .rdp, transport: .tcp, bytes: [3, 0] + be16(5 + cr.count) + [UInt8(cr.count)] + cr,
                        ports: (50010, 3389)))
        let s7: [UInt8] = [0x02, 0xF0, 0x80, 0x32, 0x01, 0, 0, 0, 1, 0, 8, 0, 0, 0xF0, 0, 0, 1, 0, 1, 1, 0xE0]
        s.append(Sample(detector: TPKTDetector.self, app: .s7comm, transport: .tcp, bytes: [3, 0] + be16(4 + s7.count) + s7,
                        ports: (50011, 102)))
        s.append(Sample(detector: OPCUADetector.self, app: .opcua, transport: .tcp,
                        bytes: ascii("HELF") + le32(32) + [UInt8](repeating: 0, count: 24), ports: (50012, 4840)))
        s.append(Sample(detector: BACnetDetector.self, app: .bacnet, transport: .udp,
                        bytes: [0x81, 0x0B, 0x00, 0x0C, 0x01, 0x20, 0xFF, 0xFF, 0x00, 0xFF, 0x10, 0x08], ports: (47808, 47808)))
        s.append(Sample(detector: ENIPDetector.self, app: .enip, transport: .tcp,
                        bytes: le16(0x0063) + le16(0) + [UInt8](repeating: 0, count: 20), ports: (50013, 44818)))
        s.append(Sample(detector: CoAPDetector.self, app: .coap, transport: .udp,
                        bytes: [0x40, 0x01, 0x12, 0x34, 0xB7] + ascii("sensors"), ports: (50014, 5683)))
        s.append(Sample(detector: NTPDetector.self, app: .ntp, transport: .udp, bytes: [0x23] + [UInt8](repeating: 0, count: 47),
                        ports: (50015, 123)))
        s.append(Sample(detector: VNCDetector.self, app: .vnc, transport: .tcp, bytes: ascii("RFB 003.008\n"), ports: (50016, 5900),
                        fromClient: false))
        s.append(Sample(detector: TelnetDetector.self, app: .telnet, transport: .tcp, bytes: [0xFF, 0xFD, 0x18, 0xFF, 0xFD, 0x20],
                        ports: (50017, 23), fromClient: false))
        s.append(Sample(detector: FTPDetector.self, app: .ftp, transport: .tcp, bytes: ascii("220 FTP server ready\r\n"), ports: (50018, 21),
                        fromClient: false))
        s.append(Sample(detector: AMQPDetector.self, app: .amqp, transport: .tcp, bytes: ascii("AMQP") + [0, 0, 9, 1], ports: (50019, 5672)))
        let pdu: [UInt8] = [0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00]
        let snmp: [UInt8] = [0x02, 0x01, 0x01, 0x04, 0x06] + ascii("public") + [0xA0, UInt8(pdu.count)] + pdu
        s.append(Sample(detector: SNMPDetector.self, app: .snmp, transport: .udp, bytes: [0x30, UInt8(snmp.count)] + snmp, ports: (50020, 161)))
        s.append(Sample(detector: SyslogDetector.self, app: .syslog, transport: .udp,
                        bytes: ascii("<34>Oct 11 22:14:15 plc-1 su: 'su root' failed"), ports: (50021, 514)))
        s.append(Sample(detector: FlowExportDetector.self, app: .netflow, transport: .udp,
                        bytes: be16(5) + be16(1) + [UInt8](repeating: 0, count: 20) + [UInt8](repeating: 1, count: 48), ports: (50022, 2055)))
        s.append(Sample(detector: CIPIODetector.self, app: .enip, transport: .udp,
                        bytes: le16(2) + le16(0x8002) + le16(8) + le32(1) + le32(2) + le16(0x00B1) + le16(4) + [1, 0, 0, 0, 0, 0],
                        ports: (2222, 2222)))
        s.append(Sample(detector: RDPUDPDetector.self, app: .rdp, transport: .udp,
                        bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x40, 0x00, 0x01] + [UInt8](repeating: 0, count: 24), ports: (50023, 3389)))
        s.append(Sample(detector: TeamViewerDetector.self, app: .teamviewer, transport: .tcp,
                        bytes: [0x17, 0x24, 0x0A] + le16(32) + [UInt8](repeating: 0x11, count: 32), ports: (35732, 5938)))
        s.append(Sample(detector: RadminDetector.self, app: .radmin, transport: .tcp,
                        bytes: [0x01, 0, 0, 0, 0x01, 0, 0, 0, 0x08, 0x08], ports: (49736, 4899)))
        // A server reset over TCP, on a port that says nothing.
        let reset: [UInt8] = [0x40] + [0x9A, 0xD7, 0x47, 0xBE, 0xB2, 0x4D, 0x8A, 0x1B] + [1] + [0, 0, 0, 0]
            + [0x50, 0x7A, 0x28, 0xA7, 0x82, 0x75, 0x78, 0x8D] + [0, 0, 0, 0]
        s.append(Sample(detector: OpenVPNDetector.self, app: .openvpn, transport: .tcp, bytes: be16(reset.count) + reset,
                        ports: (39772, 443), fromClient: false))
        s.append(Sample(detector: WireGuardDetector.self, app: .wireguard, transport: .udp,
                        bytes: [2, 0, 0, 0] + [UInt8](repeating: 0x6B, count: 88), ports: (43462, 51820), fromClient: false))
        let ike: [UInt8] = [0xB6, 0x4E, 0xF3, 0x21, 0x31, 0xA4, 0x89, 0x52] + [UInt8](repeating: 0, count: 8) + [0x21, 0x20, 0x22, 0x08]
            + [0, 0, 0, 0]
        s.append(Sample(detector: IPsecDetector.self, app: .ipsec, transport: .udp,
                        bytes: ike + [0, 0, 0, 36] + [UInt8](repeating: 0, count: 8), ports: (10500, 500)))
        s.append(Sample(detector: PPTPDetector.self, app: .pptp, transport: .tcp,
                        bytes: be16(156) + be16(1) + [0x1A, 0x2B, 0x3C, 0x4D] + be16(1) + [UInt8](repeating: 0, count: 146),
                        ports: (50024, 1723)))
        // Data stores and file protocols (messages built in DataStoreDetectorTests).
        typealias D = DataStoreDetectorTests
        s.append(Sample(detector: MySQLDetector.self, app: .mysql, transport: .tcp, bytes: D.mysqlGreeting, ports: (50030, 3306),
                        fromClient: false))
        s.append(Sample(detector: PostgreSQLDetector.self, app: .postgresql, transport: .tcp, bytes: D.pgStartup, ports: (50031, 5432)))
        s.append(Sample(detector: MongoDBDetector.self, app: .mongodb, transport: .tcp, bytes: D.mongoQuery, ports: (50032, 27017)))
        s.append(Sample(detector: KafkaDetector.self, app: .kafka, transport: .tcp, bytes: D.kafkaApiVersions, ports: (50033, 9092)))
        s.append(Sample(detector: TDSDetector.self, app: .tds, transport: .tcp, bytes: D.tdsPrelogin(type: 0x12), ports: (50034, 1433)))
        s.append(Sample(detector: RedisDetector.self, app: .redis, transport: .tcp, bytes: D.redisPing, ports: (50035, 6379)))
        s.append(Sample(detector: SMBDetector.self, app: .smb, transport: .tcp, bytes: D.smb2Negotiate, ports: (50036, 445)))
        s.append(Sample(detector: NFSDetector.self, app: .nfs, transport: .udp, bytes: D.nfsCall, ports: (50037, 2049)))
        s.append(Sample(detector: RsyncDetector.self, app: .rsync, transport: .tcp, bytes: D.rsyncGreeting, ports: (50038, 873),
                        fromClient: false))
        s.append(Sample(detector: WebDAVDetector.self, app: .webdav, transport: .tcp, bytes: D.propfind, ports: (50039, 80),
                        hostname: "files.example.com"))
        s.append(Sample(detector: DropboxDetector.self, app: .dropbox, transport: .udp, bytes: D.dropboxBroadcast, ports: (17500, 17500)))
        // File transfer and tunnels.
        s.append(Sample(detector: TFTPDetector.self, app: .tftp, transport: .udp,
                        bytes: be16(1) + ascii("firmware-2.4.bin") + [0] + ascii("octet") + [0], ports: (50040, 69)))
        s.append(Sample(detector: SoftEtherDetector.self, app: .softether, transport: .udp,
                        bytes: ascii("IP=198.51.100.7,PORT=51381"), ports: (51381, 5004), fromClient: false))
        s.append(Sample(detector: AliCloudDetector.self, app: .alicloud, transport: .tcp,
                        bytes: [0xCE, 0xFA, 0xBE, 0xBA] + le32(48) + [UInt8](repeating: 0x3C, count: 48), ports: (50041, 8999)))
        // Process instruments, meters, building automation, PLC engineering.
        s.append(Sample(detector: HARTIPDetector.self, app: .hartip, transport: .udp,
                        bytes: [1, 0, 0, 0] + be16(2) + be16(13) + [1, 0, 0, 0x75, 0x30], ports: (50042, 5094)))
        s.append(Sample(detector: KNXIPDetector.self, app: .knxip, transport: .udp,
                        bytes: [0x06, 0x10, 0x02, 0x01] + be16(14) + [0x08, 0x01, 192, 168, 1, 20, 0x0E, 0x57], ports: (3671, 3671)))
        s.append(Sample(detector: DLMSDetector.self, app: .dlms, transport: .tcp, bytes: FieldDetectorTests.snrmFrame, ports: (50043, 4059)))
        s.append(Sample(detector: EtherSIODetector.self, app: .ethersio, transport: .udp,
                        bytes: ascii("ESIO") + be16(1) + [0, 0, 0, 0x31, 0x76, 0x16] + [UInt8](repeating: 0, count: 12), ports: (1024, 6060)))
        s.append(Sample(detector: ADSDetector.self, app: .ads, transport: .tcp, bytes: FieldDetectorTests.adsReadState, ports: (50044, 48898)))
        s.append(Sample(detector: PROFINETDetector.self, app: .profinet, transport: .udp, bytes: FieldDetectorTests.pnioRequest,
                        ports: (50045, 34964)))
        return s
    }()

    static func verdict(_ d: any ProtocolDetector.Type, _ s: Sample, _ findings: inout DetectorFindings) -> DetectorVerdict {
        s.bytes.withUnsafeBytes { b in
            d.inspect(PayloadView(bytes: b, transport: s.transport, fromInitiator: s.fromClient,
                                  sourcePort: s.fromClient ? s.ports.client : s.ports.server,
                                  destinationPort: s.fromClient ? s.ports.server : s.ports.client, index: 0, reassembled: true),
                      &findings)
        }
    }

    @Test(arguments: samples)
    func eachDetectorKnowsItsOwnAndNoEarlierOneClaimsIt(sample: Sample) {
        var findings = DetectorFindings()
        #expect(Self.verdict(sample.detector, sample, &findings) == .detected(sample.app))
        if let name = sample.hostname { #expect(findings.hostname == name) }
        let position = Detectors.all.firstIndex { $0 == sample.detector }
        #expect(position != nil, "\(sample.detector) is not in Detectors.all")
        for earlier in Detectors.all.prefix(position ?? 0) where earlier.transports.contains(sample.transport) {
            var other = DetectorFindings()
            let v = Self.verdict(earlier, sample, &other)
            if case let .detected(app) = v { Issue.record("\(earlier) claims the \(sample.app) sample as \(app)") }
        }
    }

    /// Each detector is a bit of a flow's 64-bit exclusion mask.
    @Test func theExclusionMaskHoldsEveryDetector() {
        #expect(Detectors.all.count <= UInt64.bitWidth)
    }

    @Test func everyDetectorHasASample() {
        for d in Detectors.all {
            #expect(Self.samples.contains { $0.detector == d }, "\(d) has no sample here")
        }
    }
}

/// The verdicts' orders, written as switches, are their declaration orders.
@Suite struct VerdictOrderTests {
    @Test func rankingsFollowTheDeclarations() {
        #expect(RegistryStatus.allCases.sorted() == RegistryStatus.allCases)
        #expect(Rule.allCases.sorted() == Rule.allCases)
        #expect(Severity.allCases.sorted() == Severity.allCases)
    }
}

/// AnyDesk over TLS without ALPN: its certificates in the server's flight name it.
@Suite struct AnyDeskCertificateTests {
    static func serverFlight(_ name: String) -> [UInt8] {
        let body = Array(name.utf8)
        return [22, 3, 3, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + [11] + body
    }

    static func refined(_ bytes: [UInt8], index: Int = 1, fromInitiator: Bool = false) -> AppProtocol? {
        var f = DetectorFindings()
        bytes.withUnsafeBytes { b in
            _ = TLSDetector.inspect(PayloadView(bytes: b, transport: .tcp, fromInitiator: fromInitiator, sourcePort: 443,
                                                destinationPort: 50000, index: index), &f)
        }
        return f.refinedApp
    }

    @Test func theRelayCertificateNamesAnyDesk() {
        #expect(Self.refined(Self.serverFlight("....CN=AnyNet Relay, O=philandro Software GmbH")) == .anydesk)
        #expect(Self.refined(Self.serverFlight("....CN=www.example.com, O=Example Ltd")) == nil)
        // Only the server's flight, after the ClientHello, is looked at.
        #expect(Self.refined(Self.serverFlight("AnyNet Relay"), index: 0) == nil)
        #expect(Self.refined(Self.serverFlight("AnyNet Relay"), fromInitiator: true) == nil)
    }
}
