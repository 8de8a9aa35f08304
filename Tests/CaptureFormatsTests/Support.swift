import CaptureFormats
import Foundation
import Testing
import TestSupport
import WireBytes


/// Builds capture files byte by byte, in either byte order.
struct Bytes {
    var data: [UInt8] = []
    var bigEndian = false

    mutating func u8(_ v: UInt8) { data.append(v) }
    mutating func u16(_ v: UInt16) {
        let x = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { data.append(contentsOf: $0) }
    }
    mutating func u32(_ v: UInt32) {
        let x = bigEndian ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { data.append(contentsOf: $0) }
    }
    mutating func raw(_ b: [UInt8]) { data.append(contentsOf: b) }
    mutating func pad4() { while data.count % 4 != 0 { data.append(0) } }
}

enum CaptureBuilder {
    static func frame(_ n: Int, seed: UInt8 = 0) -> [UInt8] {
        (0 ..< n).map { UInt8(truncatingIfNeeded: $0 &+ Int(seed)) }
    }

    /// Classic pcap with the given packets (timestamps 1 s apart, fraction = index).
    static func pcap(bigEndian: Bool = false, nano: Bool = false, linkType: UInt32 = 1,
                     packets: [[UInt8]], snap: UInt32 = 65535) -> [UInt8] {
        var b = Bytes(bigEndian: bigEndian)
        b.u32(nano ? 0xA1B2_3C4D : 0xA1B2_C3D4)
        b.u16(2); b.u16(4); b.u32(0); b.u32(0); b.u32(snap); b.u32(linkType)
        for (i, p) in packets.enumerated() {
            b.u32(UInt32(1_600_000_000 + i)); b.u32(UInt32(i))
            b.u32(UInt32(p.count)); b.u32(UInt32(p.count))
            b.raw(p)
        }
        return b.data
    }

    static func block(_ b: inout Bytes, type: UInt32, body: [UInt8]) {
        let padded = (body.count + 3) & ~3
        let total = UInt32(12 + padded)
        b.u32(type); b.u32(total)
        b.raw(body)
        b.raw([UInt8](repeating: 0, count: padded - body.count))
        b.u32(total)
    }

    static func sectionHeader(_ b: inout Bytes) {
        var body = Bytes(bigEndian: b.bigEndian)
        body.u32(0x1A2B_3C4D); body.u16(1); body.u16(0)
        body.u32(0xFFFF_FFFF); body.u32(0xFFFF_FFFF)
        block(&b, type: 0x0A0D_0D0A, body: body.data)
    }

    static func interface(_ b: inout Bytes, linkType: UInt16 = 1, snap: UInt32 = 0,
                          tsresol: UInt8? = nil, tsoffset: Int64? = nil) {
        var body = Bytes(bigEndian: b.bigEndian)
        body.u16(linkType); body.u16(0); body.u32(snap)
        if let tsresol { body.u16(9); body.u16(1); body.u8(tsresol); body.pad4() }
        if let tsoffset {
            body.u16(14); body.u16(8)
            let v = UInt64(bitPattern: tsoffset)
            if b.bigEndian { body.u32(UInt32(v >> 32)); body.u32(UInt32(v & 0xFFFF_FFFF)) } else { body.u32(UInt32(v & 0xFFFF_FFFF)); body.u32(UInt32(v >> 32)) }
        }
        if tsresol != nil || tsoffset != nil { body.u16(0); body.u16(0) }
        block(&b, type: 1, body: body.data)
    }

    static func enhancedPacket(_ b: inout Bytes, interface: UInt32 = 0, timestamp: UInt64, packet: [UInt8]) {
        var body = Bytes(bigEndian: b.bigEndian)
        body.u32(interface); body.u32(UInt32(timestamp >> 32)); body.u32(UInt32(timestamp & 0xFFFF_FFFF))
        body.u32(UInt32(packet.count)); body.u32(UInt32(packet.count))
        body.raw(packet)
        block(&b, type: 6, body: body.data)
    }

    static func simplePacket(_ b: inout Bytes, packet: [UInt8]) {
        var body = Bytes(bigEndian: b.bigEndian)
        body.u32(UInt32(packet.count)); body.raw(packet)
        block(&b, type: 3, body: body.data)
    }
}

/// Reads every record of `bytes`, returning (count, total captured bytes, problems).
struct ReadResult: Equatable {
    var packets = 0
    var bytes = 0
    var timestamps: [Int64] = []
    var interfaces: [Int] = []
    var problems: [CaptureProblem] = []
    var openError: String?
}

func readAll(_ bytes: [UInt8], chunked: Int? = nil) -> ReadResult {
    bytes.withUnsafeBytes { raw in
        let source: ByteSource = chunked.map { StreamSource(filler: ChunkFiller(raw, chunk: $0), capacity: 64) }
            ?? BufferSource(unownedBytes: raw)
        var result = ReadResult()
        do {
            var reader = try CaptureReader(source: source)
            while let r = reader.next() {
                result.packets += 1
                result.bytes += r.data.count
                result.timestamps.append(r.timestamp)
                result.interfaces.append(r.interface)
                // Touch every byte: views must be in range.
                var sum = 0
                for byte in r.data { sum &+= Int(byte) }
                _ = sum
            }
            result.problems = reader.problems
        } catch {
            result.openError = "\(error)"
        }
        return result
    }
}

/// Hands out a buffer a few bytes at a time, to exercise window refills and compaction.
final class ChunkFiller: ByteFiller {
    let bytes: UnsafeRawBufferPointer
    let chunk: Int
    var offset = 0
    init(_ bytes: UnsafeRawBufferPointer, chunk: Int) { self.bytes = bytes; self.chunk = chunk }
    func fill(_ buffer: UnsafeMutableRawBufferPointer) throws(WireError) -> Int {
        let n = min(chunk, buffer.count, bytes.count - offset)
        if n > 0 { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + n])) }
        offset += n
        return n
    }
    var endProblem: WireError? { nil }
}
