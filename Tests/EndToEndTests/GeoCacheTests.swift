import Foundation
import Geo
import Setup
import Testing
import WireBytes

/// Compiled geo data kept between runs: read back when its sources are unchanged,
/// compiled afresh (with a note) when they changed or the file is damaged, and never in
/// the way when the cache directory cannot be written.
@Suite(.serialized) struct GeoCacheTests {
    /// A CSV geo source above the caching threshold: 40,000 /24s over 4 countries, and
    /// a few IPv6 ranges.
    static func source(in dir: String, shift: Int = 0) throws -> String {
        var text = "start_ip,end_ip,country_code\n"
        let codes = ["DE", "US", "JP", "FR"]
        for i in 0 ..< 40_000 {
            let a = 11 + i / 65536, b = (i / 256) % 256, c = i % 256
            text += "\(a).\(b).\(c).0,\(a).\(b).\(c).255,\(codes[(i + shift) % 4])\n"
        }
        for i in 0 ..< 100 { text += "2001:db8:\(String(i, radix: 16))::,2001:db8:\(String(i, radix: 16)):ffff:ffff:ffff:ffff:ffff,\(codes[(i + shift) % 4])\n" }
        let path = dir + "/ranges.csv"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func scratch() throws -> String {
        let dir = NSTemporaryDirectory() + "borderflow-geocache-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        try FileManager.default.createDirectory(atPath: dir + "/cache", withIntermediateDirectories: true)
        return dir
    }

    static func lookups(_ db: GeoDatabase) -> [String] {
        ["11.0.0.1", "11.0.5.9", "11.0.255.255", "11.0.156.64", "2001:db8:5::1", "2001:db8:63::9", "10.0.0.1"].map {
            db.country(for: IPAddress($0)!)?.description ?? "-"
        }
    }

    @Test func readBackWhenUnchangedAndCompiledAfreshOtherwise() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = try Self.source(in: dir)
        #expect(GeoCache.worthCaching([csv]))
        let first = try GeoSetup.load(paths: [csv], config: ConfigFile(), cache: dir + "/cache")
        #expect(first.notes.isEmpty)
        let cacheFile = dir + "/cache/" + GeoCache.fileName(for: [csv])
        #expect(FileManager.default.fileExists(atPath: cacheFile))
        // Read back: the same answers, the same sources.
        guard case .hit(let cached) = GeoCache.load(cacheFile, fingerprint: GeoCache.fingerprint(paths: [csv])!) else {
            Issue.record("the cache was not read back")
            return
        }
        #expect(Self.lookups(cached) == Self.lookups(first.0))
        #expect(cached.sources.map(\.ranges) == first.0.sources.map(\.ranges))
        #expect(cached.table.count == first.0.table.count)

        // The source changes: the cache is refused, with a note, and rewritten.
        _ = try Self.source(in: dir, shift: 1)
        let changed = try GeoSetup.load(paths: [csv], config: ConfigFile(), cache: dir + "/cache")
        #expect(changed.notes.count == 1 && changed.notes[0].contains("its sources have changed"))
        #expect(Self.lookups(changed.0) != Self.lookups(first.0))
        #expect(try GeoSetup.load(paths: [csv], config: ConfigFile(), cache: dir + "/cache").notes.isEmpty)

        // A damaged cache: refused, compiled afresh, the same answers.
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cacheFile)))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: URL(fileURLWithPath: cacheFile))
        let damaged = try GeoSetup.load(paths: [csv], config: ConfigFile(), cache: dir + "/cache")
        #expect(damaged.notes.count == 1 && damaged.notes[0].contains("damaged"))
        #expect(Self.lookups(damaged.0) == Self.lookups(changed.0))
    }

    @Test func anUnwritableCacheDirectoryIsNoObstacle() throws {
        let dir = try Self.scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let csv = try Self.source(in: dir)
        // A regular file where the directory should be: nothing can be written below it.
        try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/blocked"))
        let loaded = try GeoSetup.load(paths: [csv], config: ConfigFile(), cache: dir + "/blocked/cache")
        #expect(loaded.notes.isEmpty)
        #expect(Self.lookups(loaded.0)[0] == "DE")
    }
}
