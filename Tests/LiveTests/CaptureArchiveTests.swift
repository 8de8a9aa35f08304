import CaptureFormats
import Foundation
import Live
import Testing
import WireBytes

/// `--write` without a network: frames written through `CaptureArchive` read back
/// whole and in order, compressed or not, across rotated files.
@Suite struct CaptureArchiveTests {
    let dir: String

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("bf-archive-\(getpid())-\(UInt32.random(in: 0 ... .max))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    /// Frames of varied lengths (padding), each starting with its own number.
    func frames(_ n: Int) -> [[UInt8]] {
        (0 ..< n).map { i in
            var f = [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 60 + i % 7)
            f[0] = UInt8(truncatingIfNeeded: i >> 8); f[1] = UInt8(truncatingIfNeeded: i)
            return f
        }
    }

    func write(_ path: String, rotation: Rotation?, frames: [[UInt8]], times: (Int) -> Int64) throws -> [String] {
        let archive = try CaptureArchive(path: path, rotation: rotation, linkType: .ethernet, snapLength: 65535,
                                         interface: "eth1", now: times(0))
        for (i, f) in frames.enumerated() {
            try f.withUnsafeBytes { try archive.write(time: times(i), data: $0, originalLength: f.count + 10, now: times(i)) }
        }
        try archive.finish()
        return archive.files
    }

    /// Every packet of the files, in order: (time, bytes, original length).
    func read(_ paths: [String]) throws -> [(Int64, [UInt8], Int)] {
        var out: [(Int64, [UInt8], Int)] = []
        for p in paths {
            var reader = try CaptureReader.open(path: p)
            while let r = reader.next() { out.append((r.timestamp, Array(r.data), r.originalLength)) }
            let interface = reader.interfaces.first   // known once its block has been read
            #expect(interface?.name == "eth1" && interface?.linkType == .ethernet)
            let problems = reader.problems
            #expect(problems.isEmpty, "\(p): \(problems)")
        }
        return out
    }

    @Test(arguments: ["plain.pcapng", "packed.pcapng.lz4", "packed.pcapng.zst"])
    func oneFileReadsBack(name: String) throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fs = frames(300)
        let start: Int64 = 1_795_000_000_123_456_789
        let files = try write(dir + "/" + name, rotation: nil, frames: fs, times: { start + Int64($0) * 1000 })
        #expect(files == [dir + "/" + name])
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + name + ".part"))
        let back = try read(files)
        #expect(back.count == fs.count)
        for (i, b) in back.enumerated() {
            #expect(b.0 == start + Int64(i) * 1000)
            #expect(b.1 == fs[i])
            #expect(b.2 == fs[i].count + 10)
        }
    }

    @Test func sizeRotationSplitsWithoutLosingPackets() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fs = frames(2000)
        let start: Int64 = 1_795_000_000_000_000_000
        let files = try write(dir + "/cap.pcapng", rotation: .size(16 << 10), frames: fs, times: { start + Int64($0) })
        #expect(files.count > 3)
        #expect(files.allSatisfy { $0.hasPrefix(dir + "/cap-") && $0.hasSuffix(".pcapng") })
        #expect(Set(files).count == files.count)
        let back = try read(files)
        #expect(back.map(\.1) == fs)
    }

    @Test func timeRotationCutsAtMultiplesOfTheInterval() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fs = frames(40)
        let minute: Int64 = 60_000_000_000
        let start: Int64 = 1_795_000_000 * 1_000_000_000 / minute * minute + 30_000_000_000   // half past a minute
        // One packet every 10 s for 400 s, 15 s files: a file per quarter minute that saw packets.
        let files = try write(dir + "/cap.pcapng.lz4", rotation: .time(15_000_000_000), frames: fs,
                              times: { start + Int64($0) * 10_000_000_000 })
        #expect(files.count == 27)
        #expect(files.allSatisfy { $0.hasSuffix(".pcapng.lz4") })
        #expect(try read(files).map(\.1) == fs)
    }

    @Test func unwritablePlaceFailsAtOnce() {
        #expect(throws: LiveCaptureError.self) {
            _ = try CaptureArchive(path: "/nonexistent-dir/x.pcapng", rotation: nil, linkType: .ethernet, snapLength: 100,
                                   interface: "eth1", now: 0)
        }
        try? FileManager.default.removeItem(atPath: dir)
    }
}
