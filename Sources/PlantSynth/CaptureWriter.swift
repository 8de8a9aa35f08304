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
    /// pcapng framing is the shared block writer's; classic pcap is written here.
    var pcapng: PcapngBlockWriter { PcapngBlockWriter(sink: sink, bigEndian: format == .pcapngBig) }

    @inline(__always)
    func put32(_ p: UnsafeMutableRawPointer, _ off: Int, _ v: UInt32) {
        p.storeBytes(of: v.littleEndian, toByteOffset: off, as: UInt32.self)
    }

    @inline(__always)
    func put16(_ p: UnsafeMutableRawPointer, _ off: Int, _ v: UInt16) {
        p.storeBytes(of: v.littleEndian, toByteOffset: off, as: UInt16.self)
    }

    func header() throws {
        switch format {
        case .pcap, .pcapNano:
            let p = try sink.reserve(24)
            put32(p, 0, format == .pcapNano ? 0xA1B2_3C4D : 0xA1B2_C3D4)
            put16(p, 4, 2); put16(p, 6, 4); put32(p, 8, 0); put32(p, 12, 0); put32(p, 16, 262_144); put32(p, 20, 1)
            sink.commit(24)
        case .pcapng, .pcapngBig:
            try pcapng.header(linkType: .ethernet, snapLength: 262_144)
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
            let p = try pcapng.beginPacket(time: ns, captured: length, originalLength: length)
            return (p, PcapngBlockWriter.packetLength(captured: length))
        }
    }
}
