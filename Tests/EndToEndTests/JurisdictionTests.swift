import Flows
import Foundation
import Geo
import Networks
import Pipeline
import Policy
@testable import Reporting
import ServerRegistry
import Setup
import Testing
import TestSupport
import Verdicts
import WireBytes

/// Home groups, the region codes of the geo data, and anycast: a finding never names
/// a definite foreign country the address does not give.
@Suite struct JurisdictionTests {
    @Test func groupsExpandToTheirMembers() throws {
        let eea = try Jurisdictions.expandHome(["EEA"]).get()
        #expect(eea.count == 30 && eea.contains("NO") && eea.contains("DE") && !eea.contains("CH"))
        #expect(try Jurisdictions.expandHome(["EU"]).get().count == 27)
        #expect(try Jurisdictions.expandHome(["ASEAN"]).get() == ["BN", "ID", "KH", "LA", "MM", "MY", "PH", "SG", "TH", "TL", "VN"])
        let pilot = try Jurisdictions.expandHome(["APEC-PILOT"]).get()
        #expect(["CN", "JP", "KR", "MX", "SG"].allSatisfy(pilot.contains) && pilot.count == 15)
        #expect(try Jurisdictions.expandHome(["DE", "CH", "EU"]).get().count == 28)
        guard case .failure(let bad) = Jurisdictions.expandHome(["DE", "XX"]) else { Issue.record("XX accepted"); return }
        #expect(bad.code == "XX")
    }

    @Test func everyMemberIsAnAssignedCountry() {
        for g in Jurisdictions.groups { for c in g.members { #expect(ISO3166.isAssigned(c), "\(g.code): \(c)") } }
        for r in Jurisdictions.regions {
            #expect(!ISO3166.isAssigned(r.code), "\(r.code) is a country, not a region")
            for c in r.members { #expect(ISO3166.isAssigned(c), "\(r.code): \(c)") }
        }
    }

    @Test func homeGroupsFromTheCommandLine() throws {
        let setup = try PolicySetup.load(home: "eea", geo: [Package.root + "/Captures/plant-example-geo.csv"], registry: nil, config: ConfigFile())
        #expect(setup.scope.home.count == 30)
        #expect(throws: SetupError.self) { try PolicySetup.load(home: "EUR", geo: [Package.root + "/Captures/plant-example-geo.csv"], registry: nil, config: ConfigFile()) }
    }

    static func judged(home: Set<String>, country: String, server: String = "2.16.0.1") -> (FlowRecord, Policy.Verdict) {
        let policy = Policy(home: home, geo: FixedCountry(country: country), registry: Registry(entries: []), regions: GeoSetup.regions)
        var r = EvidenceReportTests.record(client: "10.0.0.1", server: server, hostname: "a248.e.akamai.net", at: 0)
        let v = policy.judge(&r)
        return (r, v)
    }

    @Test func aRegionHoldingHomeIsUndetermined() {
        let (r, v) = Self.judged(home: ["DE"], country: "EU")
        #expect(!r.crossBorder && r.destinationUndetermined && r.serverCountry == "EU")
        #expect(v.rules == [.unknownDestination], "never a definite unregistered-overseas-server")
        #expect(r.destinationName == "undetermined")
        let (ap, apv) = Self.judged(home: ["CN"], country: "AP")
        #expect(ap.destinationUndetermined && apv.rules == [.unknownDestination])
    }

    @Test func aRegionWithoutHomeIsAbroad() {
        let (r, v) = Self.judged(home: ["CN"], country: "EU")
        #expect(r.crossBorder && !r.destinationUndetermined && v.rules == [.unregisteredOverseasServer])
        #expect(r.destinationName == "abroad")
        let (uk, ukv) = Self.judged(home: ["GB"], country: "UK")
        #expect(!uk.crossBorder && !uk.destinationUndetermined && ukv.rules.isEmpty, "UK is GB")
        #expect(uk.destinationName == "home")
        let (cs, csv) = Self.judged(home: ["RS", "ME"], country: "CS")
        #expect(!cs.crossBorder && csv.rules.isEmpty)
    }

    /// A finding's country note, in every format that shows findings.
    @Test func regionAndAnycastNotesInEveryFormat() throws {
        struct Anycast: NetworkLookup {
            var source: NetworkSourceInfo { NetworkSourceInfo(path: "test.db", kind: "test", created: nil, vendor: "test") }
            func info(for address: IPAddress) -> NetworkInfo? {
                NetworkInfo(asn: 20940, asName: "Akamai International B.V.", network: "2.16.0.0/24", anycast: address == IPAddress("2.16.0.1")!)
            }
        }
        var result = ScanResult()
        let home = Policy(home: ["DE"], geo: FixedCountry(country: "EU"), registry: Registry(entries: []), regions: GeoSetup.regions)
        result.add(EvidenceReportTests.record(client: "10.0.0.1", server: "2.16.0.1", hostname: nil, at: 0), policy: home, keepFlows: true)
        let abroad = Policy(home: ["CN"], geo: FixedCountry(country: "US"), registry: Registry(entries: []), regions: GeoSetup.regions)
        result.add(EvidenceReportTests.record(client: "10.0.0.2", server: "2.16.0.9", hostname: nil, at: 1), policy: abroad, keepFlows: true)
        let report = ScanReport(result: result, inputs: [], home: ["DE"], version: "test", includeFlows: true, scope: ScanScope(home: ["DE"]))
            .annotated(by: NetworkDirectory(sources: [Anycast()]))

        let json = try JSONSerialization.jsonObject(with: Data(report.json.rendered().utf8)) as! [String: Any]
        let findings = json["findings"] as! [[String: Any]]
        let servers = Dictionary(uniqueKeysWithValues: findings.map { (($0["server"] as! [String: Any])["ip"] as! String, $0["server"] as! [String: Any]) })
        let region = try #require(servers["2.16.0.1"])
        #expect((region["countryNote"] as? String)?.contains("undetermined") == true)
        #expect((region["countryNote"] as? String)?.contains(ServerNotes.anycastNote) == true)
        #expect(region["anycast"] as? Bool == true && region["asn"] as? Int == 20940 && region["asName"] as? String == "Akamai International B.V.")
        let plain = try #require(servers["2.16.0.9"])
        #expect(plain["countryNote"] == nil && plain["anycast"] as? Bool == false && plain["network"] as? String == "2.16.0.0/24")

        let sarif = report.sarif.rendered()
        #expect(sarif.contains("EU (region Europe") && sarif.contains(ServerNotes.anycastNote) && sarif.contains("AS20940"))
        let text = ScanText.render(report, colour: false)
        #expect(text.contains(ServerNotes.anycastNote) && text.contains("AS20940 Akamai International B.V."))
        let html = EvidenceReport.render(report)
        #expect(html.contains("anycast: the serving location is not determined by the address") && html.contains("AS20940 Akamai International B.V., network 2.16.0.0/24"))
        #expect(html.contains("test.db"), "the scope names the network data")
        #expect(report.csv.contains(ServerNotes.anycastNote))
        let flows = report.result.flows.map { FlowRecordReport.json($0).rendered() }
        #expect(flows.contains { $0.contains("\"destination\":\"undetermined\"") })
    }
}
