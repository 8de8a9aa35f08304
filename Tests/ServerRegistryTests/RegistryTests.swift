@testable import ServerRegistry
import Testing
import Verdicts
import WireBytes

let goodYAML = """
# approved overseas servers
servers:
  - id: REG-2026-0001
    operator: Example Cloud GmbH
    country: DE
    addresses: [203.0.113.0/24, "2001:db8:10::/48", 198.51.100.7]
    hostnames: [mqtt.example.de, "*.ota.example.com"]
    purposes: [telemetry, firmware-update]
    valid_from: 2026-01-01
    valid_until: 2027-12-31
  - id: REG-2026-0002
    operator: Remote Service Ltd
    country: GB
    addresses: [203.0.113.128/25]
    purposes: [remote-maintenance]
    valid_from: 2025-01-01
    valid_until: 2025-12-31
"""

func t(_ day: String) -> Int64 { Int64(Day(day)!.days) * 86_400 * 1_000_000_000 + 3_600_000_000_000 }

@Suite struct RegistryTests {
    /// The registry example of docs/contract.md (the first entry of `goodYAML`) loads
    /// without a problem, with its line and prefixes.
    @Test func loadsTheContractExample() {
        let (registry, problems) = RegistryLoader.load(text: goodYAML, file: "r.yaml")
        #expect(problems.isEmpty, "\(problems)")
        #expect(registry.entries.count == 2)
        let e = registry.entries[0]
        #expect(e.id == "REG-2026-0001" && e.country == "DE" && e.line == 3)
        #expect(e.addresses.map(\.description) == ["203.0.113.0/24", "2001:db8:10::/48", "198.51.100.7/32"])
        #expect(e.validUntil?.description == "2027-12-31")
    }

    @Test func matchesByLongestPrefixHostnameWindowAndPurpose() {
        let (r, _) = RegistryLoader.load(text: goodYAML, file: "r.yaml")
        let inside = IPAddress("203.0.113.9")!, narrower = IPAddress("203.0.113.200")!
        #expect(r.match(server: inside, hostname: nil, time: t("2026-06-01"), category: .telemetry) == RegistryMatch(status: .registered, entryIndex: 0))
        #expect(r.match(server: inside, hostname: nil, time: t("2026-06-01"), category: .web).status == .purposeMismatch)
        #expect(r.match(server: inside, hostname: nil, time: t("2028-01-01"), category: .telemetry).status == .expired)
        #expect(r.match(server: inside, hostname: nil, time: t("2027-12-31"), category: .telemetry).status == .registered) // inclusive
        // The /25 of entry 2 is longer than entry 1's /24: it decides, and it has expired.
        #expect(r.match(server: narrower, hostname: nil, time: t("2026-06-01"), category: .remoteMaintenance) == RegistryMatch(status: .expired, entryIndex: 1))
        // ... but a hostname that entry 1 lists still matches it, validly.
        #expect(r.match(server: narrower, hostname: "fw.ota.example.com", time: t("2026-06-01"), category: .firmwareUpdate).status == .registered)
        #expect(r.match(server: IPAddress("192.0.2.1")!, hostname: "ota.example.com", time: t("2026-06-01"), category: .telemetry).status == .unregistered)
        #expect(r.match(server: IPAddress("192.0.2.1")!, hostname: "MQTT.example.de.", time: t("2026-06-01"), category: .telemetry).status == .registered)
        #expect(r.match(server: IPAddress("2001:db8:10:ffff::1")!, hostname: nil, time: t("2026-06-01"), category: .telemetry).status == .registered)
        #expect(r.match(server: IPAddress("2001:db8:11::1")!, hostname: nil, time: t("2026-06-01"), category: .telemetry).status == .unregistered)
    }

    /// Names are matched as lower-case ASCII without a final dot, however they come;
    /// wildcards match any deeper name, never the bare suffix, whatever their lengths.
    @Test func hostnamesFoldAndWildcardsMatchBySuffix() {
        let yaml = """
        servers:
          - id: A
            country: DE
            hostnames: ["*.ota.example.com", "*.b.example.com", exact.example.org]
            purposes: [telemetry]
        """
        let (r, problems) = RegistryLoader.load(text: yaml, file: "r.yaml")
        #expect(problems.isEmpty, "\(problems)")
        for name in ["fw.ota.example.com", "a.b.c.ota.example.com", "FW.OTA.Example.COM", "fw.ota.example.com.",
                     "x.b.example.com", "exact.example.org", "Exact.Example.Org.", "\u{212A}.b.example.com"] {
            #expect(r.entries(forHostname: name) == [0], "\(name)")
        }
        for name in ["ota.example.com", "b.example.com", "example.com", "xota.example.com", "sub.exact.example.org",
                     "", ".", "..", "com", "fw.ota.example.co"] {
            #expect(r.entries(forHostname: name).isEmpty, "\(name)")
        }
    }

    @Test func everyProblemHasItsLine() {
        let bad = """
        servers:
          - id: A
            country: Germany
            addresses: [203.0.113.1/24, 999.1.1.1]
            hostnames: ["bad name"]
            purposes: [telemetry, spying]
            valid_from: 2026-02-30
            valid_until: tomorrow
          - id: A
            country: DE
            addresses: [198.51.100.0/24]
            purposes: [web]
            valid_from: 2026-05-01
            valid_until: 2026-01-01
          - country: FR
            addresses: [192.0.2.0/24]
        """
        let (registry, problems) = RegistryLoader.load(text: bad, file: "bad.yaml")
        #expect(registry.entries.isEmpty)
        let lines = problems.filter { $0.severity == .error }.map(\.line)
        #expect(lines == [3, 4, 4, 5, 6, 7, 8, 9, 14, 15], "\(problems.map(\.description))")
        #expect(problems.allSatisfy { $0.file == "bad.yaml" })
        #expect(problems.contains { $0.message.contains("duplicate id A (first at line 2)") })
    }

    @Test func overlappingEntriesAreWarnings() {
        let yaml = """
        servers:
          - {id: A, country: DE, addresses: [192.0.2.0/24], purposes: [web]}
          - {id: B, country: DE, addresses: [192.0.2.0/24], purposes: [web]}
        """
        let (r, problems) = RegistryLoader.load(text: yaml, file: "o.yaml")
        #expect(r.entries.count == 2)
        #expect(problems.map(\.severity) == [.warning])
    }

    @Test func notYAMLSaysWhere() {
        let (_, problems) = RegistryLoader.load(text: "servers:\n  - id: [unclosed\n", file: "x.yaml")
        #expect(problems.count == 1 && problems[0].line >= 2 && problems[0].message.hasPrefix("not valid YAML"))
    }

    @Test func csvRegistryGroupsRowsById() {
        let csv = """
        id,operator,country,endpoint,purposes,valid_from,valid_until
        REG-1,"Example Cloud, GmbH",DE,203.0.113.0/24,telemetry;firmware-update,2026-01-01,2027-12-31
        REG-1,"Example Cloud, GmbH",DE,*.ota.example.com,telemetry;firmware-update,2026-01-01,2027-12-31
        REG-2,Other,US,2001:db8::/32,web,,
        REG-3,Bad,US,300.1.1.1,web,2026-01-01,
        """
        let (r, problems) = RegistryLoader.load(text: csv, file: "r.csv")
        #expect(r.entries.count == 2)
        #expect(r.entries[0].operatorName == "Example Cloud, GmbH")
        #expect(r.entries[0].addresses.count == 1 && r.entries[0].hostnames.count == 1)
        #expect(r.entries[1].validUntil == nil)
        #expect(problems.map(\.line) == [5])
    }

    @Test(arguments: ["2026-13-01", "2026-02-29", "26-01-01", "2026-1-1", "x", ""])
    func notDates(_ s: String) { #expect(Day(s) == nil) }

    @Test func datesRoundTrip() {
        for s in ["1970-01-01", "2000-02-29", "2026-11-23", "2099-12-31"] { #expect(Day(s)?.description == s) }
        #expect(Day(nanoseconds: -1).description == "1969-12-31")
    }

    @Test func mutatedRegistriesNeverCrash() {
        var rng: UInt64 = 7
        let base = Array(goodYAML.utf8)
        for _ in 0 ..< 300 {
            rng = rng &* 6364136223846793005 &+ 1
            var m = base
            let i = Int(rng >> 33) % m.count
            switch rng % 3 {
            case 0: m[i] = UInt8((rng >> 13) & 0x7F)
            case 1: m.removeSubrange(i ..< min(m.count, i + Int(rng >> 50) % 20))
            default: m = Array(m.prefix(i))
            }
            _ = RegistryLoader.load(text: String(decoding: m, as: UTF8.self), file: "m.yaml")
        }
    }
}

/// Registries that are hostile or not registries at all.
@Suite struct HostileRegistryTests {
    @Test func csvFieldsMayHoldQuotedLineBreaks() {
        let quotedOperator = #""Example"# + "\n" + #"Cloud, ""EU""""#
        let text = [
            "id,operator,country,endpoint,purposes,valid_from,valid_until",
            "R-1,\(quotedOperator),DE,203.0.113.7,telemetry,2026-01-01,",
            "# a comment between records",
            "R-1,\(quotedOperator),DE,mqtt.example.de,telemetry,2026-01-01,",
            "R-2,Other,FR,198.51.100.0/24,telemetry,,",
        ].joined(separator: "\r\n")
        let (registry, problems) = RegistryLoader.load(text: text, file: "r.csv")
        #expect(problems.isEmpty, "\(problems)")
        #expect(registry.entries.count == 2)
        let first = registry.entries.first { $0.id == "R-1" }
        #expect(first?.operatorName == "Example\nCloud, \"EU\"")
        #expect(first?.addresses.count == 1 && first?.hostnames.count == 1)
        #expect(registry.entries.first { $0.id == "R-2" }?.line == 7)   // records of two lines each before it
    }

    @Test func anotherFilesContentIsNeverEchoed() {
        let secret = "root:$6$SECRETHASHSECRETHASH:19000:0:99999:7:::"
        for text in [secret + "\n" + secret + "\n", "key: [unclosed\n" + secret + "\n", "servers: x\n" + secret + "\n"] {
            let (_, problems) = RegistryLoader.load(text: text, file: "/etc/shadow")
            #expect(!problems.isEmpty)
            for p in problems { #expect(!p.description.contains("SECRETHASH"), "\(p)") }
        }
    }

    @Test func aYAMLErrorNamesItsLine() {
        let (_, problems) = RegistryLoader.load(text: "servers:\n  - id: A\n    addresses: [1.2.3.4\n", file: "r.yaml")
        #expect(problems.count == 1)
        #expect(problems.first.map { $0.line > 0 && $0.severity == .error } == true)
        #expect(problems.first?.description.hasPrefix("r.yaml:") == true)
    }

    @Test func manyRowsOfOneIdLoadWhole() {
        var text = "id,operator,country,endpoint,purposes,valid_from,valid_until\n"
        for i in 0 ..< 20_000 { text += "R-1,Op,DE,52.\(i >> 16 & 255).\(i >> 8 & 255).\(i & 255),telemetry,,\n" }
        let (registry, problems) = RegistryLoader.load(text: text, file: "r.csv")
        #expect(problems.isEmpty)
        #expect(registry.entries.count == 1 && registry.entries[0].addresses.count == 20_000)
    }
}

/// The flat YAML reader against the full parser: the same entries, lines and
/// problems on every layout it takes, and the full parser's answer on every other.
@Suite struct FlatYAMLTests {
    static func outcome(_ text: String, fullParser: Bool) -> [String] {
        let (registry, problems) = RegistryLoader.load(text: text, file: "r.yaml", fullParser: fullParser)
        return registry.entries.map { "\($0)" } + problems.map(\.description)
    }

    static let layouts: [String] = [
        goodYAML,
        // Block lists, at the key's indent and deeper, comments everywhere.
        """
        # header
        servers:   # the list
          - id: A-1      # first
            operator: 'Plant Vendor''s Cloud'
            country: "DE"
            addresses:
            - 192.0.2.1
            - "2001:db8::/32"   # v6
            hostnames:
                - mqtt.example.com
            purposes: [ telemetry , 'firmware-update' ]
            valid_until: 2027-12-31

          - id: A-2
            country: FR
            addresses: 198.51.100.0/24
            purposes: telemetry
            colour: blue
        """,
        // Problems the validation finds, with their lines.
        "servers:\n  - id: B\n    country: de\n    addresses: [not-an-address, 10.0.0.0/33]\n    purposes: [cooking]\n"
            + "    valid_from: 2027-01-01\n    valid_until: 2026-01-01\n  - id: B\n    country: DE\n    hostnames: [-bad-.example]\n",
        // Deeper dashes, CRLF line ends, a value with a colon inside, hashes in values.
        "servers:\r\n    -   id: C#1\r\n        operator: a:b c#d\r\n        country: DE\r\n        addresses: [\"10.0.0.1\"]\r\n        purposes: [telemetry]\r\n",
        // Beyond the flat layout: read by the full parser (and the same for both).
        "servers:\n  - &a\n    id: D\n    country: DE\n    addresses: [192.0.2.1]\n    purposes: [telemetry]\n  - *a\n",
        "servers:\n  - id: E\n    operator: |\n      multi\n      line\n    country: DE\n    addresses: [192.0.2.1]\n    purposes: [telemetry]\n",
        "servers:\n  - id: F\n    operator: \"esc\\u0041ped\"\n    country: DE\n    addresses: [192.0.2.1]\n    purposes: [telemetry]\n",
        "servers:\n  - {id: G, country: DE, addresses: [192.0.2.1], purposes: [telemetry]}\n",
        "servers:\n  - id: H\n    id: H2\n    country: DE\n    addresses: [192.0.2.1]\n    purposes: [telemetry]\n",
        "version: 2\nservers:\n  - id: I\n    country: DE\n    addresses: [192.0.2.1]\n    purposes: [telemetry]\n",
        "servers:\n  - id: J\n    operator: continued\n      on the next line\n    country: DE\n    addresses: [192.0.2.1]\n    purposes: [telemetry]\n",
        "servers:\n  - id: K\n    valid_from:\n    country: DE\n    addresses: [192.0.2.1, ]\n    purposes: [telemetry]\n",
        "servers:\n  - id: L\n    country: DE\n    addresses: [192.0.2.1 # open\n    purposes: [telemetry]\n",
        "servers:\n  - id: M\n\tcountry: DE\n",
        "servers:\n",
        "servers: []\n",
        "servers:\n  - just a string\n",
        "\u{FEFF}servers:\n  - id: N\n    country: DE\n    addresses: [192.0.2.1]\n    purposes: [telemetry]\n",
        "# nothing but a comment\n",
        "",
    ]

    /// The first four layouts are the flat reader's; the rest are not.
    static func readsFlat(_ text: String) -> Bool {
        var text = text
        var problems: [RegistryProblem] = []
        return text.withUTF8 { FlatYAMLRegistry.parse(RegistryBytes(bytes: UnsafeRawBufferPointer($0)), file: "r.yaml", problems: &problems) } != nil
    }

    @Test(arguments: layouts.indices)
    func sameAsTheFullParser(layout: Int) {
        let text = Self.layouts[layout]
        #expect(Self.readsFlat(text) == (layout < 4))
        #expect(Self.outcome(text, fullParser: false) == Self.outcome(text, fullParser: true))
    }

    @Test func mutatedLayoutsAgreeToo() {
        var rng: UInt64 = 11
        let base = Array(Self.layouts[1].utf8)
        for _ in 0 ..< 400 {
            rng = rng &* 6364136223846793005 &+ 1
            var m = base
            let i = Int(rng >> 33) % m.count
            let pick: [UInt8] = Array(" -:#'\"[],\n\tab".utf8)
            switch rng % 3 {
            case 0: m[i] = pick[Int(rng >> 20) % pick.count]
            case 1: m.insert(pick[Int(rng >> 20) % pick.count], at: i)
            default: m.removeSubrange(i ..< min(m.count, i + 1 + Int(rng >> 50) % 8))
            }
            let text = String(decoding: m, as: UTF8.self)
            #expect(Self.outcome(text, fullParser: false) == Self.outcome(text, fullParser: true), "\(text)")
        }
    }
}
