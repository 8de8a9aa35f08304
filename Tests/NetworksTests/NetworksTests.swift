import Foundation
import Networks
import Testing
import TestSupport
import WireBytes

/// AS data: MaxMind-format ASN databases (made here and third-party) and the IPFire
/// location database through libloc, checked against the `location` tool.
@Suite struct NetworksTests {
    static func write(_ w: MMDBWriter) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bf-asn-\(getpid())-\(UUID().uuidString).mmdb").path
        try Data(w.bytes()).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func maxMindASNFromBytesWeWrite() throws {
        var w = MMDBWriter()
        w.add("52.28.0.0/16", [("autonomous_system_number", .uint(16509)), ("autonomous_system_organization", .string("Amazon.com, Inc."))])
        w.add("1.2.3.0/24", [("asn", .string("AS64500")), ("as_name", .string("Example Lite"))])
        w.add("9.9.9.0/24", [("country", .string("no AS here"))])
        let path = try Self.write(w)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try MaxMindASN(path: path)
        let amazon = db.info(for: IPAddress("52.28.10.20")!)
        #expect(amazon?.asn == 16509 && amazon?.asName == "Amazon.com, Inc." && amazon?.network == "52.28.0.0/16")
        #expect(amazon?.anycast == false)
        let lite = db.info(for: IPAddress("1.2.3.200")!)
        #expect(lite?.asn == 64500 && lite?.asName == "Example Lite" && lite?.network == "1.2.3.0/24")
        #expect(db.info(for: IPAddress("52.29.0.1")!) == nil)
        #expect(db.info(for: IPAddress("9.9.9.9")!) == nil, "a record without an AS is no answer")
        #expect(db.info(for: IPAddress("2001:db8::1")!) == nil, "an IPv4 tree holds no IPv6")
        #expect(db.source.created == Int64(1_767_225_600) * 1_000_000_000)
    }

    @Test func corruptASNDatabaseNamesTheFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bf-asn-bad-\(getpid()).mmdb").path
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: MaxMindASN.OpenError.self) { try MaxMindASN(path: path) }
        do { _ = try MaxMindASN(path: path); Issue.record("opened") } catch { #expect(error.description.hasPrefix(path)) }
        #expect(throws: LocationDatabase.OpenError.self) { try LocationDatabase(path: path) }
        #expect(throws: LocationDatabase.OpenError.self) { try LocationDatabase(path: path + ".missing") }
    }

    /// MaxMind's GeoLite2-ASN test database answers as its JSON source says.
    @Test(.enabled(if: Fixtures.available, Fixtures.skipMessage))
    func geoLite2ASNTestDatabase() throws {
        let db = try MaxMindASN(path: Fixtures.root + "/maxmind/test-data/GeoLite2-ASN-Test.mmdb")
        let source = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Fixtures.root + "/maxmind/source-data/GeoLite2-ASN-Test.json"))) as! [[String: [String: Any]]]
        var checked = 0
        for entry in source {
            for (cidr, record) in entry {
                let first = String(cidr.split(separator: "/")[0])
                guard let a = IPAddress(first), let asn = record["autonomous_system_number"] as? Int else { continue }
                let info = db.info(for: a)
                #expect(info?.asn == UInt32(asn), "\(cidr)")
                #expect(info?.asName == record["autonomous_system_organization"] as? String, "\(cidr)")
                checked += 1
            }
        }
        #expect(checked > 20)
    }

    static let locationTool = ["/usr/bin/location", "/usr/local/bin/location"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// What `location lookup` prints for each address: network, AS number and name, anycast.
    static func locationLookup(_ addresses: [String]) throws -> [String: (network: String?, asn: UInt32?, name: String?, anycast: Bool)] {
        let database = LocationDatabase.defaultPaths.first { FileManager.default.fileExists(atPath: $0) }!
        let text = try toolOutput(locationTool!, ["--database", database, "lookup"] + addresses)
        var answers: [String: (network: String?, asn: UInt32?, name: String?, anycast: Bool)] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            if !line.hasPrefix(" "), line.hasSuffix(":") { current = String(line.dropLast()); answers[current!] = (nil, nil, nil, false); continue }
            guard let c = current, let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            switch key {
            case "Network": answers[c]!.network = value
            case "Autonomous System":
                let parts = value.components(separatedBy: " - ")
                answers[c]!.asn = UInt32(parts[0].dropFirst(2))
                answers[c]!.name = parts.dropFirst().joined(separator: " - ")
            case "Anycast": answers[c]!.anycast = value == "yes"
            default: break
            }
        }
        return answers
    }

    @Test(.enabled(if: locationTool != nil && LocationDatabase.defaultPaths.contains { FileManager.default.fileExists(atPath: $0) },
                   "needs Debian's location and libloc-database (scripts/install-deps.sh)"))
    func libLocAgreesWithLocationLookup() throws {
        let sample = ["3.120.7.7", "13.75.1.9", "18.196.10.20", "20.50.2.7", "34.120.5.9", "52.28.40.5", "185.199.1.1",
                      "2.16.0.1", "104.16.0.1", "1.1.1.1", "8.8.8.8", "162.250.2.170", "46.101.231.218", "139.162.192.157",
                      "2a00:1450:4001:80b::200e", "2606:4700::6810:84e5", "2001:67c:2e8:22::c100:68b"]
        let expected = try Self.locationLookup(sample)
        let db = try LocationDatabase.openDefault().get()
        var anycast = 0
        for a in sample {
            let want = try #require(expected[a], "location lookup printed nothing for \(a)")
            let got = db.info(for: IPAddress(a)!)
            #expect(got?.asn == want.asn, "\(a)")
            #expect(got?.asName == want.name, "\(a)")
            #expect(got?.network == want.network, "\(a)")
            #expect((got?.anycast ?? false) == want.anycast, "\(a)")
            if want.anycast { anycast += 1 }
        }
        #expect(anycast >= 2, "the sample holds anycast networks (Akamai, Cloudflare)")
    }

    /// Earlier sources win field by field; a later one fills what they lack.
    @Test func directoryAsksSourcesInOrder() {
        struct Fixed: NetworkLookup {
            let info: NetworkInfo
            var source: NetworkSourceInfo { NetworkSourceInfo(path: "fixed", kind: "test", created: nil, vendor: nil) }
            func info(for address: IPAddress) -> NetworkInfo? { info }
        }
        let d = NetworkDirectory(sources: [Fixed(info: NetworkInfo(asn: 1, asName: "first")),
                                           Fixed(info: NetworkInfo(asn: 2, asName: "second", network: "10.0.0.0/8", anycast: true))])
        let i = d.info(for: IPAddress("10.1.2.3")!)
        #expect(i == NetworkInfo(asn: 1, asName: "first", network: "10.0.0.0/8", anycast: true))
    }
}
