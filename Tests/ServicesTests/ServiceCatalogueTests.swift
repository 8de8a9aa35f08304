import ServerRegistry
import Services
import Testing
import Verdicts

@Suite struct ServiceHostPatternTests {
    func pattern(_ text: String) throws -> ServiceHostPattern { try ServiceHostPattern.parse(text).get() }

    @Test func aLeadingWildcardStandsForOneOrMoreLabels() throws {
        let p = try pattern("*.azure-devices.net")
        #expect(p.matches("hub.azure-devices.net"))
        #expect(p.matches("a.b.azure-devices.net"))
        #expect(!p.matches("azure-devices.net"))
        #expect(!p.matches("evil-azure-devices.net"))
        #expect(!p.matches("hub.azure-devices.net.example"))
    }

    @Test func anInnerWildcardStandsForExactlyOneLabel() throws {
        let p = try pattern("*.iot.*.amazonaws.com")
        #expect(p.matches("abc-ats.iot.eu-west-1.amazonaws.com"))
        #expect(!p.matches("abc-ats.iot.amazonaws.com"))
        #expect(!p.matches("abc.iot.eu.west.amazonaws.com"))
        #expect(!p.matches("iot.eu-west-1.amazonaws.com"))
        let exact = try pattern("storage.googleapis.com")
        #expect(exact.matches("storage.googleapis.com"))
        #expect(!exact.matches("x.storage.googleapis.com"))
        #expect(!exact.matches("torage.googleapis.com"))
    }

    @Test func broadAndMalformedPatternsAreRefused() {
        #expect(ServiceHostPattern.parse("*.com") == .failure(.tooBroad))
        #expect(ServiceHostPattern.parse("*.*.amazonaws.com").map(\.text) == .success("*.*.amazonaws.com"))
        #expect(ServiceHostPattern.parse("bucket.*.com") == .failure(.tooBroad))
        #expect(ServiceHostPattern.parse("s3-*.amazonaws.com") == .failure(.partialWildcard))
        #expect(ServiceHostPattern.parse("bad name.example.com") == .failure(.invalid))
        #expect(ServiceHostPattern.parse("a..example.com") == .failure(.invalid))
    }
}

@Suite struct ServiceCatalogueTests {
    static let builtIn = ServiceCatalogue(ServiceCatalogueLoader.builtIn())

    @Test func theShippedCatalogueHasNoProblems() {
        let (entries, problems) = ServiceCatalogueLoader.parseBuiltIn()
        #expect(problems.isEmpty, "\(problems.map(\.description))")
        #expect(entries.count >= 60)
        // Every category the catalogue is for has entries, each with a source.
        for c: PayloadCategory in [.telemetry, .remoteMaintenance, .tunnel, .firmwareUpdate, .dataStorage] {
            #expect(entries.contains { $0.category == c }, "no \(c.name) entry")
        }
        #expect(entries.allSatisfy { !$0.source.isEmpty })
    }

    /// Names equipment sends, and near misses that must name nothing.
    static let names: [(String, String?)] = [
        ("a1b2c3d4e5f6g7-ats.iot.eu-central-1.amazonaws.com", "aws-iot-core"),
        ("a1b2c3d4e5f6g7.ats.iot.cn-north-1.amazonaws.com.cn", "aws-iot-core"),
        ("c1abcd2efgh3ij.credentials.iot.us-east-1.amazonaws.com", "aws-iot-core"),
        ("iot.us-east-1.amazonaws.com", nil),
        ("myhub.azure-devices.net", "azure-iot-hub"),
        ("evil-azure-devices.net", nil),
        ("myhub.azure-devices.net.attacker.example", nil),
        ("global.azure-devices-provisioning.net", "azure-iot-dps"),
        ("a1b2c3.iot-as-mqtt.cn-shanghai.aliyuncs.com", "alibaba-iot-platform"),
        ("iot-06z00abcdef.mqtt.iothub.aliyuncs.com", "alibaba-iot-platform"),
        ("mybucket.oss-cn-hangzhou.aliyuncs.com", "alibaba-oss"),
        ("ecs.aliyuncs.com", nil),
        ("abc123.st1.iotda-device.cn-north-4.myhuaweicloud.com", "huawei-iotda"),
        ("mybucket.obs.cn-north-4.myhuaweicloud.com", "huawei-obs"),
        ("1a17rzr3xx.iotcloud.tencentdevices.com", "tencent-iot"),
        ("examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com", "tencent-cos"),
        ("m1.tuyaeu.com", "tuya"),
        ("wss.eu1.vpnrts.mindsphere.io", "siemens-insights-hub-remote-services"),
        ("southgate.eu1.mindsphere.io", "siemens-insights-hub"),
        ("abcdef1234.s1.eu.hivemq.cloud", "hivemq-cloud"),
        ("router1.teamviewer.com", "teamviewer"),
        ("relay-12345678.net.anydesk.com", "anydesk"),
        ("anydesk.com", nil),
        ("m2web.talk2m.com", "ewon-talk2m"),
        ("controlplane.tailscale.com", "tailscale"),
        ("engage.cloudflareclient.com", "cloudflare-warp"),
        ("region1.v2.argotunnel.com", "cloudflare-tunnel"),
        ("gateway.zscalertwo.net", "zscaler-internet-access"),
        ("fe3cr.delivery.mp.microsoft.com", "windows-update"),
        ("sls.update.microsoft.com", "windows-update"),
        ("www.microsoft.com", nil),
        ("hosted.mender.io", "mender-hosted"),
        ("api.balena-cloud.com", "balena-cloud"),
        ("api.snapcraft.io", "snap-store"),
        ("swcdn.apple.com", "apple-software-update"),
        ("www.apple.com", nil),
        ("mybucket.s3.amazonaws.com", "amazon-s3"),
        ("mybucket.s3.eu-west-1.amazonaws.com", "amazon-s3"),
        ("s3.dualstack.us-east-1.amazonaws.com", "amazon-s3"),
        ("s3.amazonaws.com.example.org", nil),
        ("www.amazon.com", nil),
        ("ec2.us-east-1.amazonaws.com", nil),
        ("d111111abcdef8.cloudfront.net", nil),
        ("mystorageacct.blob.core.windows.net", "azure-storage"),
        ("storage.googleapis.com", "google-cloud-storage"),
        ("www.googleapis.com", nil),
        ("www.dropbox.com", "dropbox"),
        ("public.boxcloud.com", "box"),
        ("contoso-my.sharepoint.com", "onedrive"),
        ("cluster0.ab1cd.mongodb.net", "mongodb-atlas"),
        ("xy12345.eu-central-1.snowflakecomputing.com", "snowflake"),
        ("us-east-1-1.aws.cloud2.influxdata.com", "influxdb-cloud"),
        ("0123456789abcdef.r2.cloudflarestorage.com", "cloudflare-r2"),
        ("api.github.com", nil),
    ]

    @Test(arguments: names) func namesMatchTheirService(name: String, expected: String?) {
        // On the service's first listed port, or 443 when it lists none.
        let port = expected.flatMap { id in Self.builtIn.services.first { $0.id == id }?.ports.first } ?? 443
        #expect(Self.builtIn.match(hostname: name, port: port)?.service.id == expected, "\(name)")
    }

    @Test func portsLimitAnEntryAndTheMostSpecificPatternWins() {
        let yaml = """
        services:
          - id: broad
            name: Broad
            category: web
            hosts: ["*.example.com"]
            source: test
          - id: broker
            name: Broker
            category: telemetry
            hosts: ["*.mqtt.example.com"]
            ports: [8883]
            source: test
        """
        let (entries, problems) = ServiceCatalogueLoader.parse(yaml, file: "t.yaml")
        #expect(problems.isEmpty)
        let c = ServiceCatalogue(entries)
        #expect(c.match(hostname: "a.mqtt.example.com", port: 8883)?.service.id == "broker")
        #expect(c.match(hostname: "a.mqtt.example.com", port: 443)?.service.id == "broad")
        #expect(c.match(hostname: "example.com", port: 443) == nil)
    }

    @Test func aUserEntryReplacesTheBuiltInOneWithItsId() {
        let yaml = """
        services:
          - id: azure-iot-hub
            name: Our hub
            category: data-storage
            hosts: ["hub.example.org"]
            source: ours
        """
        let (mine, problems) = ServiceCatalogueLoader.parse(yaml, file: "mine.yaml")
        #expect(problems.isEmpty)
        let c = ServiceCatalogue(ServiceCatalogueLoader.builtIn() + mine)
        #expect(c.match(hostname: "plant.azure-devices.net", port: 8883) == nil)
        #expect(c.match(hostname: "hub.example.org", port: 443)?.service.category == .dataStorage)
        #expect(c.services.count == ServiceCatalogueLoader.builtIn().count)
    }

    @Test func problemsNameTheirLine() {
        let yaml = """
        services:
          - id: ok
            name: Fine
            category: telemetry
            hosts: ["*.fine.example"]
            source: docs
          - id: Bad_Id
            category: telemetry
            hosts: ["x.example.org"]
          - id: nohosts
            category: telemetry
          - id: wild
            category: tunnel
            hosts: ["s3-*.example.org", "*.org"]
          - id: cat
            category: payroll
            hosts: ["a.example.org"]
          - id: ok
            category: telemetry
            hosts: ["b.example.org"]
          - id: port
            category: telemetry
            hosts: ["c.example.org"]
            ports: [70000]
          - id: extra
            category: telemetry
            hosts: ["*.fine.example"]
            alpn: [mqtt]
        """
        let (entries, problems) = ServiceCatalogueLoader.parse(yaml, file: "c.yaml")
        #expect(entries.map(\.id) == ["ok", "extra"])
        let errors = problems.filter { $0.severity == .error }.map { "\($0.line) \($0.message)" }
        #expect(errors.count == 7, "\(errors)")
        #expect(errors.contains { $0.hasPrefix("7 ") && $0.contains("`id`") })
        #expect(errors.contains { $0.hasPrefix("10 ") && $0.contains("no `hosts`") })
        #expect(errors.contains { $0.hasPrefix("14 ") && $0.contains("whole label") })
        #expect(errors.contains { $0.hasPrefix("14 ") && $0.contains("too broad") })
        #expect(errors.contains { $0.hasPrefix("16 ") && $0.contains("payroll") })
        #expect(errors.contains { $0.hasPrefix("18 ") && $0.contains("used twice (first on line 2)") })
        #expect(errors.contains { $0.hasPrefix("24 ") && $0.contains("70000") })
        let warnings = problems.filter { $0.severity == .warning }.map(\.message)
        #expect(warnings.contains { $0.contains("`alpn`") })
        #expect(warnings.contains { $0.contains("also listed by `ok`") })
        #expect(warnings.contains { $0.contains("no `source`") })
        #expect(problems.allSatisfy { $0.description.hasPrefix("c.yaml:") })
    }

    @Test func notYAMLIsOneErrorWithItsLine() {
        let (entries, problems) = ServiceCatalogueLoader.parse("services:\n  - id: [unclosed\n", file: "x.yaml")
        #expect(entries.isEmpty)
        #expect(problems.count == 1 && problems[0].severity == .error && problems[0].message.hasPrefix("not valid YAML"))
    }

    @Test func anUnreadableFileIsAnError() {
        let (_, problems) = ServiceCatalogueLoader.load(path: "/nonexistent/services.yaml")
        #expect(problems.count == 1 && problems[0].severity == .error)
    }
}
