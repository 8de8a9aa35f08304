import Verdicts

/// The one table that gives each flow its payload category. A detector may refine it
/// (`DetectorFindings.category`): that wins over the protocol's row here.
///
/// | category | protocols / evidence | why |
/// | --- | --- | --- |
/// | telemetry | MQTT, CoAP, LwM2M, AMQP, OPC UA, Modbus, DNP3, IEC 104, S7comm, BACnet, EtherNet/IP, MMS, HART-IP, KNXnet/IP, DLMS/COSEM, EtherSIO, Beckhoff ADS, PROFINET IO, Alibaba Cloud's device link | device, process and meter data leaving the plant |
/// | remote-maintenance | SSH, RDP, VNC, Telnet, TeamViewer, AnyDesk, Radmin, NoMachine | interactive sessions into equipment; the regulation asks for a log of each |
/// | firmware-update | HTTP requests or responses naming firmware images (path, Content-Type, Content-Disposition), MQTT topics and CoAP/LwM2M paths with ota/firmware/update, LwM2M object 5 | code flowing into equipment |
/// | name-resolution | DNS, DoT, DoH | |
/// | time-sync | NTP | |
/// | file-transfer | FTP, TFTP | files moved, not kept: bulk files, not firmware by evidence |
/// | data-storage | MySQL, PostgreSQL, MongoDB, MS SQL (TDS), Redis, Kafka, SMB, NFS, rsync, WebDAV, Dropbox LAN sync | data kept on the server: databases, brokers' logs, file shares and sync |
/// | tunnel | OpenVPN, WireGuard, IPsec (IKE, ESP), PPTP, SoftEther | opaque: a tunnel abroad may carry anything |
/// | web | HTTP, TLS, QUIC without more specific evidence | generic web/cloud API traffic |
/// | unknown | anything else, including NetFlow/IPFIX export, SNMP and syslog (management plane: reported as what they are, not as payload data) | |
public enum CategoryRules {
    public static func category(of app: AppProtocol) -> PayloadCategory {
        switch app {
        case .mqtt, .coap, .lwm2m, .amqp, .opcua, .modbus, .dnp3, .iec104, .s7comm, .bacnet, .enip, .mms,
             .hartip, .knxip, .dlms, .ethersio, .ads, .profinet, .alicloud:
            return .telemetry
        case .ssh, .rdp, .vnc, .telnet, .teamviewer, .anydesk, .radmin, .nomachine: return .remoteMaintenance
        case .openvpn, .wireguard, .ipsec, .pptp, .softether: return .tunnel
        case .mysql, .postgresql, .mongodb, .tds, .redis, .kafka, .smb, .nfs, .rsync, .webdav, .dropbox: return .dataStorage
        case .dns, .dot, .doh: return .nameResolution
        case .ntp: return .timeSync
        case .ftp, .tftp: return .fileTransfer
        case .http, .tls, .quic, .dtls: return .web
        case .unknown, .netflow, .ipfix, .snmp, .syslog: return .unknown
        }
    }

    /// Protocols a TLS, DTLS or QUIC ClientHello may offer by ALPN whose category is known
    /// from the name: MQTT (`mqtt`; AWS IoT Core's `x-amzn-mqtt-ca`), CoAP, AMQP.
    static let alpnProtocols: [String: AppProtocol] = [
        "mqtt": .mqtt, "x-amzn-mqtt-ca": .mqtt, "mqttv3.1": .mqtt, "mqttv3.1.1": .mqtt, "mqttv5": .mqtt,
        "coap": .coap, "amqp": .amqp, "amqp10": .amqp,
    ]

    /// The first offered protocol with a known category (nil when none is).
    public static func offered(byALPN alpn: [String]) -> AppProtocol? {
        for a in alpn { if let app = alpnProtocols[a.lowercased()] { return app } }
        return nil
    }

    /// Secure protocols' IANA ports: an encrypted flow to one is probably that protocol.
    /// A hint, never evidence of a purpose.
    public static let securePorts: [UInt16: AppProtocol] = [
        8883: .mqtt, 5671: .amqp, 4843: .opcua, 5684: .coap, 802: .modbus, 19998: .iec104, 19999: .dnp3,
    ]

    static let firmwareWords: [[UInt8]] = ["firmware", "/ota", "ota/", "ota_", "fota", "/fw/", "fw_update", "update.bin",
                                             ".bin", ".hex", ".img", ".swu", ".fw", "upgrade"].map { Array($0.utf8) }

    /// Words in a path, topic or file name that say "firmware" (matched without case).
    public static func namesFirmware(_ text: String) -> Bool {
        var t = Array(text.utf8)
        for i in t.indices where t[i] >= 0x41 && t[i] <= 0x5A { t[i] += 0x20 }
        for word in firmwareWords where t.count >= word.count {
            var i = 0
            while i + word.count <= t.count {
                if t[i] == word[0], t[i ..< i + word.count].elementsEqual(word) { return true }
                i += 1
            }
        }
        return false
    }
}
