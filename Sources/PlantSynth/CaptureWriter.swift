import CaptureFormats
#if canImport(Glibc)
import Glibc
#endif

/// Capture file framing: classic pcap (micro- or nanosecond) or pcapng (one section,
/// one Ethernet interface, nanosecond `if_tsresol`), little- or big-endian.
public enum CaptureFileFormat: String, Sendable, CaseIterable {
    case pcap, pcapNano = "pcap-nsec", pcapng, pcapngBig = "pcapng-be"
}

struct FrameWriter {
    let format: CaptureFileFormat
    let sink: ByteSink

    var big: Bool { format == .pcapngBig }

    @inline(__always)
    func put32(_ p: UnsafeMutableRawPointer, _ off: Int, _ v: UInt32) {
        p.storeBytes(of: big ? v.bigEndian : v.littleEndian, toByteOffset: off, as: UInt32.self)
    }

    @inline(__always)
    func put16(_ p: UnsafeMutableRawPointer, _ off: Int, _ v: UInt16) {
        p.storeBytes(of: big ? v.bigEndian : v.littleEndian, toByteOffset: off, as: UInt16.self)
    }

    func header() throws {
        switch format {
        case .pcap, .pcapNano:
            let p = try sink.reserve(24)
            put32(p, 0, format == .pcapNano ? 0xA1B2_3C4D : 0xA1B2_C3D4)
            put16(p, 4, 2); put16(p, 6, 4); put32(p, 8, 0); put32(p, 12, 0); put32(p, 16, 262_144); put32(p, 20, 1)
            sink.commit(24)
        case .pcapng, .pcapngBig:
            let p = try sink.reserve(28 + 32)
            // Section header block.
            put32(p, 0, 0x0A0D_0D0A); put32(p, 4, 28); put32(p, 8, 0x1A2B_3C4D); put16(p, 12, 1); put16(p, 14, 0)
            put32(p, 16, 0xFFFF_FFFF); put32(p, 20, 0xFFFF_FFFF); put32(p, 24, 28)
            // Interface description block: Ethernet, if_tsresol = 9 (nanoseconds).
            let q = p + 28
            put32(q, 0, 1); put32(q, 4, 32); put16(q, 8, 1); put16(q, 10, 0); put32(q, 12, 262_144)
            put16(q, 16, 9); put16(q, 18, 1); q.storeBytes(of: UInt32(9), toByteOffset: 20, as: UInt32.self)
            q.storeBytes(of: UInt8(9), toByteOffset: 20, as: UInt8.self)
            (q + 21).initializeMemory(as: UInt8.self, repeating: 0, count: 3)
            put32(q, 24, 0); put32(q, 28, 32)
            sink.commit(60)
        }
    }

    /// Reserves a record for a frame of `length` bytes; returns where the frame goes.
    @inline(__always)
    func beginRecord(time ns: Int64, length: Int) throws -> (UnsafeMutableRawPointer, Int) {
        switch format {
        case .pcap, .pcapNano:
            let total = 16 + length
            let p = try sink.reserve(total)
            put32(p, 0, UInt32(truncatingIfNeeded: ns / 1_000_000_000))
            let frac = ns % 1_000_000_000
            put32(p, 4, UInt32(format == .pcapNano ? frac : frac / 1000))
            put32(p, 8, UInt32(length)); put32(p, 12, UInt32(length))
            return (p + 16, total)
        case .pcapng, .pcapngBig:
            let padded = (length + 3) & ~3
            let total = 32 + padded
            let p = try sink.reserve(total)
            put32(p, 0, 6); put32(p, 4, UInt32(total)); put32(p, 8, 0)
            let t = UInt64(ns)
            put32(p, 12, UInt32(t >> 32)); put32(p, 16, UInt32(t & 0xFFFF_FFFF))
            put32(p, 20, UInt32(length)); put32(p, 24, UInt32(length))
            (p + 28 + length).initializeMemory(as: UInt8.self, repeating: 0, count: padded - length)
            put32(p, total - 4, UInt32(total))
            return (p + 28, total)
        }
    }
}
