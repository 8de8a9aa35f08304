import Foundation
import Geo
import Testing
import TestSupport
import WireBytes


func load(_ text: String) throws -> RangeTable {
    var b = RangeTableBuilder()
    try Array(text.utf8).withUnsafeBytes { try TextGeoSource.load($0, file: "t", into: &b) }
    return b.build()
}

@Suite struct GeoTextTests {
    @Test func csvCidrAndRIR() throws {
        let t = try load("""
        start_ip,end_ip,country_code
        1.0.0.0,1.0.0.255,AU
        2001:db8::,2001:db8::ffff,DE
        203.0.113.0/25,FR
        """)
        #expect(t.country(for: IPAddress("1.0.0.7")!)?.description == "AU")
        #expect(t.country(for: IPAddress("1.0.1.0")!) == nil)
        #expect(t.country(for: IPAddress("2001:db8::1")!)?.description == "DE")
        #expect(t.country(for: IPAddress("203.0.113.127")!)?.description == "FR")
        #expect(t.country(for: IPAddress("203.0.113.128")!) == nil)
        let rir = try load("""
        2|ripencc|20261122|5|19830705|20261122|+0100
        ripencc|*|ipv4|*|3|summary
        ripencc|FR|ipv4|2.0.0.0|1048576|20100712|allocated|e1
        ripencc|NL|ipv4|5.10.0.0|1536|20120101|allocated|e2
        ripencc|DE|ipv6|2001:67c::|32|20040101|assigned|e3
        ripencc||ipv4|9.9.9.0|256||available
        """)
        #expect(rir.country(for: IPAddress("2.15.255.255")!)?.description == "FR")
        #expect(rir.country(for: IPAddress("5.10.5.255")!)?.description == "NL")   // 1536 = not a power of two
        #expect(rir.country(for: IPAddress("5.10.6.0")!) == nil)
        #expect(rir.country(for: IPAddress("2001:67c:ffff::1")!)?.description == "DE")
    }

    @Test func earlierSourceWins() throws {
        var b = RangeTableBuilder()
        try Array("10.0.0.0,10.0.0.255,AA\n".utf8).withUnsafeBytes { try TextGeoSource.load($0, file: "a", into: &b) }
        b.nextSource()
        try Array("9.255.255.0,10.0.1.255,BB\n".utf8).withUnsafeBytes { try TextGeoSource.load($0, file: "b", into: &b) }
        let t = b.build()
        #expect(t.country(for: IPAddress("10.0.0.5")!)?.description == "AA")
        #expect(t.country(for: IPAddress("9.255.255.1")!)?.description == "BB")
        #expect(t.country(for: IPAddress("10.0.1.5")!)?.description == "BB")
    }

    @Test func badLinesNameTheirLine() {
        #expect(throws: GeoLoadError(file: "t", line: 3, message: "range ends before it starts, or mixes IPv4 and IPv6")) {
            _ = try load("a,b,c\n1.0.0.0,1.0.0.255,AU\n2.0.0.9,2.0.0.1,FR\n")
        }
        #expect(throws: GeoLoadError.self) { _ = try load("") }
        #expect(throws: GeoLoadError.self) { _ = try load("1.0.0.0,1.0.0.255,AU\nhello world\n") }
    }

    @Test func mutatedTextNeverCrashes() {
        let base = Array("start,end,cc\n1.0.0.0,1.0.0.255,AU\n2001:db8::,2001:db8::ff,DE\n5.0.0.0/8,FR\nr|NL|ipv4|5.10.0.0|1536|x|allocated\n".utf8)
        var rng: UInt64 = 3
        for _ in 0 ..< 2000 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            var m = base
            m[Int(rng >> 33) % m.count] = UInt8(truncatingIfNeeded: rng >> 20)
            if rng & 8 == 0 { m = Array(m.prefix(Int(rng >> 40) % m.count)) }
            _ = try? load(String(decoding: m, as: UTF8.self))
        }
    }
}

extension GeoLoadError: Equatable {
    public static func == (a: GeoLoadError, b: GeoLoadError) -> Bool { a.description == b.description }
}

@Suite(.enabled(if: Fixtures.available, Fixtures.skipMessage))
struct GeoFixtureTests {
    static let sample: [(IPAddress, String?)] = {
        guard let text = try? String(contentsOfFile: Fixtures.root + "/ip2country/crosscheck_sample.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard let ip = IPAddress(f[0]) else { return nil }
            let cc = f.count > 1 && f[1].count == 2 && f[1] != "??" ? String(f[1]) : nil
            return (ip, cc)
        }
    }()

    func check(_ paths: [String]) throws {
        let db = try GeoDatabase.load(paths: paths.map { Fixtures.root + "/ip2country/" + $0 })
        #expect(Self.sample.count == 2000)
        var wrong: [String] = []
        for (ip, want) in Self.sample where db.country(for: ip)?.description != want {
            wrong.append("\(ip): want \(want ?? "-") got \(db.country(for: ip)?.description ?? "-")")
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    @Test func crosscheckThroughCSV() throws { try check(["ipfire-location-country-2026-06-25.csv.gz"]) }

    @Test func crosscheckThroughTorFiles() throws { try check(["tor-geoip-ipv4.txt.gz", "tor-geoip-ipv6.txt.gz"]) }
}

@Suite(.enabled(if: Fixtures.available, Fixtures.skipMessage))
struct MaxMindTests {
    /// expected_country_lookups.tsv: country.iso_code, else registered_country.iso_code.
    @Test func expectedCountryLookups() throws {
        let text = try String(contentsOfFile: Fixtures.root + "/maxmind/expected_country_lookups.tsv", encoding: .utf8)
        var dbs: [String: GeoDatabase] = [:]
        var checked = 0, wrong: [String] = []
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5, let ip = IPAddress(f[2]) else { continue }
            if dbs[f[0]] == nil { dbs[f[0]] = try GeoDatabase.load(paths: [Fixtures.root + "/maxmind/test-data/\(f[0]).mmdb"]) }
            let want = !f[3].isEmpty ? f[3] : (f[4].isEmpty ? nil : f[4])
            let got = dbs[f[0]]!.country(for: ip)?.description
            if got != want { wrong.append("\(f[0]) \(f[2]): want \(want ?? "-") got \(got ?? "-")") }
            checked += 1
        }
        #expect(checked == 840)
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    @Test func crosscheckThroughMMDB() throws {
        let db = try GeoDatabase.load(paths: [Fixtures.root + "/ip2country/ipfire-location-country-2026-06-25.mmdb"])
        var wrong: [String] = []
        for (ip, want) in GeoFixtureTests.sample where db.country(for: ip)?.description != want {
            wrong.append("\(ip): want \(want ?? "-") got \(db.country(for: ip)?.description ?? "-")")
        }
        #expect(GeoFixtureTests.sample.count == 2000)
        #expect(wrong.isEmpty, "\(wrong.prefix(10))")
    }

    /// Every corrupt database fails with a message naming the file, or loads safely.
    @Test func corruptDatabasesFailClearly() throws {
        let dir = Fixtures.root + "/maxmind/bad-data/"
        var seen = 0
        for sub in ["libmaxminddb", "maxminddb-golang", "maxminddb-python"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir + sub).sorted() where name.hasSuffix(".mmdb") {
                seen += 1
                do {
                    _ = try GeoDatabase.load(paths: [dir + sub + "/" + name])
                } catch {
                    #expect(error.description.contains(name), "\(error)")
                }
            }
        }
        #expect(seen == 21)
    }

    @Test func mutatedDatabasesNeverCrash() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: Fixtures.root + "/maxmind/test-data/MaxMind-DB-test-mixed-24.mmdb"))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bf-mmdb-\(getpid()).mmdb").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rng: UInt64 = 9
        for round in 0 ..< 150 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            var m = [UInt8](original)
            if round % 3 == 0 { m = Array(m.prefix(Int(rng >> 33) % m.count)) } else {
                for _ in 0 ..< 4 { rng = rng &* 6364136223846793005 &+ 1; m[Int(rng >> 33) % m.count] ^= UInt8(truncatingIfNeeded: rng >> 13) }
            }
            try Data(m).write(to: URL(fileURLWithPath: path))
            _ = try? GeoDatabase.load(paths: [path])
        }
    }
}
