import CaptureFormats
import CLz4
import CZlib
import CZstd
import Foundation
import Testing
import WireBytes

enum Compress {
    static func lz4(_ input: [UInt8]) -> [UInt8] {
        let bound = LZ4F_compressFrameBound(input.count, nil)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { o in
            input.withUnsafeBytes { i in LZ4F_compressFrame(o.baseAddress, bound, i.baseAddress, input.count, nil) }
        }
        precondition(LZ4F_isError(n) == 0)
        return Array(out.prefix(n))
    }

    static func zstd(_ input: [UInt8], level: Int32 = 3) -> [UInt8] {
        let bound = ZSTD_compressBound(input.count)
        var out = [UInt8](repeating: 0, count: bound)
        let n = out.withUnsafeMutableBytes { o in
            input.withUnsafeBytes { i in ZSTD_compress(o.baseAddress, bound, i.baseAddress, input.count, level) }
        }
        precondition(ZSTD_isError(n) == 0)
        return Array(out.prefix(n))
    }

    /// A skippable frame (RFC 8878 §3.1.2) of `content` bytes.
    static func skippable(_ content: [UInt8]) -> [UInt8] {
        let n = UInt32(content.count)
        return [0x50, 0x2A, 0x4D, 0x18, UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)] + content
    }

    static func gzip(_ input: [UInt8]) -> [UInt8] {
        var stream = z_stream()
        // 15 window bits + 16: write a gzip header.
        precondition(deflateInit2_(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 64)
        var input = input
        let produced = input.withUnsafeMutableBytes { i in
            out.withUnsafeMutableBytes { o in
                stream.next_in = i.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.avail_in = UInt32(i.count)
                stream.next_out = o.baseAddress?.assumingMemoryBound(to: UInt8.self)
                stream.avail_out = UInt32(o.count)
                precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
                return o.count - Int(stream.avail_out)
            }
        }
        deflateEnd(&stream)
        return Array(out.prefix(produced))
    }
}

@Suite struct CompressionTests {
    static let plain: [UInt8] = CaptureBuilder.pcap(packets: (0 ..< 300).map { CaptureBuilder.frame(($0 * 97) % 1500, seed: UInt8($0 % 256)) })

    @Test func lz4FramesDecompressToTheSamePackets() {
        let expected = readAll(Self.plain)
        let compressed = Compress.lz4(Self.plain)
        let r = readAll(compressed)
        #expect(r == expected)
        // Concatenated frames read as one stream.
        let half = Self.plain.count / 2
        let twoFrames = Compress.lz4(Array(Self.plain[..<half])) + Compress.lz4(Array(Self.plain[half...]))
        #expect(readAll(twoFrames) == expected)
        #expect(readAll(compressed, chunked: 7) == expected)
    }

    @Test func gzipDecompressesToTheSamePackets() {
        let expected = readAll(Self.plain)
        #expect(readAll(Compress.gzip(Self.plain)) == expected)
        #expect(readAll(Compress.gzip(Self.plain), chunked: 5) == expected)
        // gzip of lz4: two layers.
        #expect(readAll(Compress.gzip(Compress.lz4(Self.plain))) == expected)
    }

    @Test func zstdFramesDecompressToTheSamePackets() {
        let expected = readAll(Self.plain)
        let compressed = Compress.zstd(Self.plain)
        #expect(readAll(compressed) == expected)
        #expect(readAll(compressed, chunked: 11) == expected)
        // Several frames, skippable frames before and between them (as parallel writers make).
        let half = Self.plain.count / 2
        let framed = Compress.skippable([1, 2, 3, 4]) + Compress.zstd(Array(Self.plain[..<half]))
            + Compress.skippable([UInt8](repeating: 9, count: 40)) + Compress.zstd(Array(Self.plain[half...]))
        #expect(readAll(framed) == expected)
        // Layers: zstd of gzip, and gzip of zstd.
        #expect(readAll(Compress.zstd(Compress.gzip(Self.plain))) == expected)
        #expect(readAll(Compress.gzip(Compress.zstd(Self.plain))) == expected)
        // pcapng inside zstd too.
        var b = Bytes()
        CaptureBuilder.sectionHeader(&b)
        CaptureBuilder.interface(&b)
        for i in 0 ..< 50 { CaptureBuilder.enhancedPacket(&b, timestamp: UInt64(i) * 1000, packet: CaptureBuilder.frame(60 + i)) }
        #expect(readAll(Compress.zstd(b.data)).packets == 50)
    }

    /// What `ByteSink` writes (synth, live --write) reads back: LZ4 frames and one
    /// Zstandard frame, over several of its 1 MiB chunks.
    @Test(arguments: [ByteSink.Compression.lz4, .zstd, .none])
    func byteSinkOutputReadsBack(_ compression: ByteSink.Compression) throws {
        var plain = CaptureBuilder.pcap(packets: (0 ..< 3000).map { CaptureBuilder.frame(($0 * 331) % 1500, seed: UInt8($0 % 256)) })
        while plain.count < 3 * ByteSink.chunk + 12345 { plain += plain.suffix(from: 24) }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bf-sink-\(getpid())-\(compression)").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        let sink = try ByteSink(fd: fd, compression: compression)
        var at = 0
        while at < plain.count {   // in uneven pieces, as packets come
            let n = min(plain.count - at, 70_001)
            try plain[at ..< at + n].withUnsafeBytes { try sink.write($0) }
            at += n
        }
        try sink.finish()
        close(fd)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(compression == .none ? written == plain : written.count < plain.count)
        #expect(readAll(written) == readAll(plain))
    }

    @Test func aZstdFrameCutOffKeepsEveryPacketBeforeIt() {
        // Small blocks (a low level on a long input still makes one frame of many blocks).
        let compressed = Compress.zstd(Self.plain + Self.plain.dropFirst(24), level: 1)
        let r = readAll(Array(compressed.prefix(compressed.count * 3 / 4)))
        #expect(r.packets > 0 && r.packets < 600)
        #expect(!r.problems.isEmpty && r.problems.allSatisfy { $0.severity == .warning })
        var corrupt = compressed
        for i in stride(from: 20, to: corrupt.count - 8, by: 17) { corrupt[i] ^= 0x5A }
        let c = readAll(corrupt)
        #expect(c.problems.contains { $0.severity == .error } || c.openError != nil)
    }

    @Test func cutCompressedStreamKeepsWhatCameBefore() {
        let compressed = Compress.lz4(Self.plain)
        let r = readAll(Array(compressed.prefix(compressed.count / 2)))
        #expect(r.packets > 0 && r.packets < 300)
        #expect(!r.problems.isEmpty)
        #expect(r.problems.allSatisfy { $0.severity == .warning })
        let g = Compress.gzip(Self.plain)
        let rg = readAll(Array(g.prefix(g.count / 2)))
        #expect(rg.packets > 0 && rg.packets < 300)
        #expect(rg.problems.allSatisfy { $0.severity == .warning } && !rg.problems.isEmpty)
    }

    @Test func corruptCompressedDataIsAnError() {
        var compressed = Compress.lz4(Self.plain)
        for i in stride(from: 40, to: compressed.count - 8, by: 13) { compressed[i] ^= 0x5A }
        let r = readAll(compressed)
        #expect(r.problems.contains { $0.severity == .error } || r.openError != nil)
    }
}
