import WireBytes

/// What a synthetic server is for, and what the registry says of it; the ground truth
/// an end-to-end test checks the scan against.
public struct SynthServer: Sendable {
    public enum Service: String, Sendable {
        case mqtt, https, httpFirmware, ssh, rdp, dns, ntp, lwm2m, opcua
        /// MQTT over TLS with ALPN (an IoT cloud's broker), TeamViewer, an OpenVPN and a
        /// WireGuard tunnel, a PostgreSQL database abroad that device data is copied into.
        case mqttTLS, teamviewer, openvpn, wireguard, postgresql
        /// TLS known only by its server name, through the services catalogue: an IoT hub
        /// registered for telemetry by hostname, and object storage that device data is
        /// uploaded to.
        case iotHub, objectStorage
    }
    public var address: IPAddress
    public var country: String
    public var hostname: String?
    public var service: Service
    /// Only a DNS answer names it (no SNI/Host in its own traffic).
    public var nameFromDNSOnly = false
}

/// The plant the generator simulates: devices on VLANs talking to domestic and
/// overseas servers. Home is CN; every address below is written only into files.
public enum PlantModel {
    public static let home = "CN"

    public static let servers: [SynthServer] = [
        SynthServer(address: IPAddress("18.196.10.20")!, country: "DE", hostname: "mqtt.eu-cloud.example", service: .mqtt, nameFromDNSOnly: false),
        SynthServer(address: IPAddress("52.28.40.5")!, country: "DE", hostname: "fw.ota.eu-cloud.example", service: .httpFirmware),
        SynthServer(address: IPAddress("34.120.5.9")!, country: "US", hostname: "api.analytics.example", service: .https),
        SynthServer(address: IPAddress("20.50.2.7")!, country: "NL", hostname: "support.vendor.example", service: .ssh),
        SynthServer(address: IPAddress("13.75.1.9")!, country: "HK", hostname: nil, service: .rdp),
        SynthServer(address: IPAddress("3.120.7.7")!, country: "DE", hostname: "telemetry.partner.example", service: .mqtt, nameFromDNSOnly: true),
        SynthServer(address: IPAddress("185.199.1.1")!, country: "", hostname: nil, service: .https),
        SynthServer(address: IPAddress("2a05:d014::10")!, country: "DE", hostname: nil, service: .lwm2m),
        SynthServer(address: IPAddress("114.114.114.114")!, country: "CN", hostname: nil, service: .dns),
        SynthServer(address: IPAddress("202.112.10.60")!, country: "CN", hostname: nil, service: .ntp),
        SynthServer(address: IPAddress("101.6.8.10")!, country: "CN", hostname: "mqtt.cn-cloud.example", service: .mqtt),
        SynthServer(address: IPAddress("18.196.10.30")!, country: "DE", hostname: "a1b2-ats.iot.eu-cloud.example", service: .mqttTLS),
        SynthServer(address: IPAddress("162.250.2.170")!, country: "US", hostname: nil, service: .teamviewer),
        SynthServer(address: IPAddress("46.101.231.218")!, country: "NL", hostname: nil, service: .openvpn),
        SynthServer(address: IPAddress("139.162.192.157")!, country: "JP", hostname: nil, service: .wireguard),
        SynthServer(address: IPAddress("3.64.10.5")!, country: "DE", hostname: nil, service: .postgresql),
        SynthServer(address: IPAddress("40.113.176.10")!, country: "NL", hostname: "plant-hub.azure-devices.net", service: .iotHub),
        SynthServer(address: IPAddress("52.219.170.10")!, country: "DE", hostname: "plant-archive.s3.eu-central-1.amazonaws.com", service: .objectStorage),
    ]

    /// The geo CSV that places the servers (the unknown-destination one is left out).
    public static var geoCSV: String {
        var out = "start_ip,end_ip,country_code\n"
        for s in servers where !s.country.isEmpty {
            out += "\(s.address),\(s.address),\(s.country)\n"
        }
        return out
    }

    /// A registry that makes every rule fire on the generated traffic.
    public static let registryYAML = """
    # Approved overseas servers for the synthetic plant (borderflow synth).
    servers:
      - id: REG-2026-0001
        operator: EU Cloud GmbH
        country: DE
        addresses: [18.196.10.20, 18.196.10.30, "2a05:d014::/32"]
        hostnames: ["*.eu-cloud.example"]
        purposes: [telemetry, firmware-update]
        valid_from: 2026-01-01
        valid_until: 2027-12-31
      - id: REG-2026-0002
        operator: Vendor Support BV
        country: NL
        addresses: [20.50.2.0/24]
        hostnames: [support.vendor.example]
        purposes: [remote-maintenance]
        valid_from: 2026-01-01
      - id: REG-2025-0007
        operator: Vendor Asia Ltd
        country: HK
        addresses: [13.75.1.9]
        purposes: [remote-maintenance]
        valid_from: 2025-01-01
        valid_until: 2025-12-31
      - id: REG-2026-0003
        operator: Partner Data AG
        country: DE
        hostnames: [telemetry.partner.example]
        purposes: [firmware-update]
        valid_from: 2026-01-01
        valid_until: 2026-12-31
      - id: REG-2026-0004
        operator: Microsoft Ireland Operations Ltd
        country: NL
        hostnames: [plant-hub.azure-devices.net]
        purposes: [telemetry]
        valid_from: 2026-01-01

    """

    /// The findings a scan with `registryYAML` and `geoCSV` must report (rule, server).
    public static let expectedFindings: [(String, String)] = [
        ("unregistered-overseas-server", "34.120.5.9"),
        ("expired-registration", "13.75.1.9"),
        ("purpose-mismatch", "3.120.7.7"),
        ("unknown-destination", "185.199.1.1"),
        ("remote-maintenance", "13.75.1.9"),
        ("remote-maintenance", "20.50.2.7"),
        ("unregistered-overseas-server", "162.250.2.170"),
        ("remote-maintenance", "162.250.2.170"),
        ("unregistered-overseas-server", "46.101.231.218"),
        ("unregistered-overseas-server", "139.162.192.157"),
        ("unregistered-overseas-server", "3.64.10.5"),
        ("offshore-data-storage", "3.64.10.5"),
        ("unregistered-overseas-server", "52.219.170.10"),
        ("offshore-data-storage", "52.219.170.10"),
    ]
}
