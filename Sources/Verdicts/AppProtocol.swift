/// Application protocols a flow can be found to speak; names as the `app` values of docs/contract.md.
/// Held as a byte in each flow's inspection state; written by name.
public enum AppProtocol: UInt8, Sendable, CaseIterable, NamedVerdict {
    public init(from decoder: any Decoder) throws { self = try Self.decodeName(from: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeName(to: encoder) }

    case unknown = 0
    case tls, dtls, quic, http, dns, dot, doh
    case mqtt, coap, lwm2m, modbus, dnp3, opcua, bacnet, s7comm, iec104, enip, mms
    case ssh, rdp, vnc, telnet
    case ntp, ftp, amqp, snmp, syslog
    case netflow, ipfix
    // Remote access, tunnels, data stores and file protocols.
    case teamviewer, anydesk, radmin, nomachine
    case openvpn, wireguard, ipsec, pptp
    case mysql, postgresql, mongodb, tds, redis, kafka
    case smb, nfs, rsync, webdav, dropbox
    // File transfer, tunnels, and process, metering and building automation.
    case tftp, softether, alicloud
    case hartip, knxip, dlms, ethersio, ads, profinet

    public var name: String {
        switch self {
        case .unknown: return "unknown"
        case .tls: return "tls"
        case .dtls: return "dtls"
        case .quic: return "quic"
        case .http: return "http"
        case .dns: return "dns"
        case .dot: return "dot"
        case .doh: return "doh"
        case .mqtt: return "mqtt"
        case .coap: return "coap"
        case .lwm2m: return "lwm2m"
        case .modbus: return "modbus"
        case .dnp3: return "dnp3"
        case .opcua: return "opcua"
        case .bacnet: return "bacnet"
        case .s7comm: return "s7comm"
        case .iec104: return "iec104"
        case .enip: return "enip"
        case .mms: return "mms"
        case .ssh: return "ssh"
        case .rdp: return "rdp"
        case .vnc: return "vnc"
        case .telnet: return "telnet"
        case .ntp: return "ntp"
        case .ftp: return "ftp"
        case .amqp: return "amqp"
        case .snmp: return "snmp"
        case .syslog: return "syslog"
        case .netflow: return "netflow"
        case .ipfix: return "ipfix"
        case .teamviewer: return "teamviewer"
        case .anydesk: return "anydesk"
        case .radmin: return "radmin"
        case .nomachine: return "nomachine"
        case .openvpn: return "openvpn"
        case .wireguard: return "wireguard"
        case .ipsec: return "ipsec"
        case .pptp: return "pptp"
        case .mysql: return "mysql"
        case .postgresql: return "postgresql"
        case .mongodb: return "mongodb"
        case .tds: return "tds"
        case .redis: return "redis"
        case .kafka: return "kafka"
        case .smb: return "smb"
        case .nfs: return "nfs"
        case .rsync: return "rsync"
        case .webdav: return "webdav"
        case .dropbox: return "dropbox"
        case .tftp: return "tftp"
        case .softether: return "softether"
        case .alicloud: return "alicloud"
        case .hartip: return "hart-ip"
        case .knxip: return "knxip"
        case .dlms: return "dlms"
        case .ethersio: return "ethersio"
        case .ads: return "ads"
        case .profinet: return "profinet"
        }
    }
}
