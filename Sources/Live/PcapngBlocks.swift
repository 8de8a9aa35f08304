import CaptureFormats
import WireBytes

/// The pcapng blocks a live archive is made of (little-endian, one section, one
/// interface with nanosecond timestamps), written straight into a `ByteSink`'s buffer.
enum PcapngBlocks {
    /// Section header and interface description: link type, snap length, `if_name`, `if_tsresol` = 9.
    static func header(into sink: ByteSink, linkType: LinkType, snapLength: Int32, interface: String) throws {
        let name = Array(interface.utf8.prefix(0xFFFF))
        let nameOption = name.isEmpty ? 0 : 4 + padded(name.count)
        let idbLength = 20 + nameOption + 8 + 4   // fixed part, if_name, if_tsresol, opt_endofopt
        let total = 28 + idbLength
        let p = try sink.reserve(total)
        // Section header block: byte-order magic, version 1.0, section length unknown.
        put32(p, 0, 0x0A0D_0D0A); put32(p, 4, 28); put32(p, 8, 0x1A2B_3C4D)
        put16(p, 12, 1); put16(p, 14, 0)
        put32(p, 16, 0xFFFF_FFFF); put32(p, 20, 0xFFFF_FFFF); put32(p, 24, 28)
        // Interface description block.
        let q = p + 28
        put32(q, 0, 1); put32(q, 4, UInt32(idbLength))
        put16(q, 8, UInt16(truncatingIfNeeded: linkType.rawValue)); put16(q, 10, 0)
        put32(q, 12, UInt32(bitPattern: snapLength))
        var o = 16
        if !name.isEmpty {
            put16(q, o, 2); put16(q, o + 2, UInt16(name.count))
            name.withUnsafeBytes { (q + o + 4).copyMemory(from: $0.baseAddress!, byteCount: name.count) }
            (q + o + 4 + name.count).initializeMemory(as: UInt8.self, repeating: 0, count: padded(name.count) - name.count)
            o += 4 + padded(name.count)
        }
        put16(q, o, 9); put16(q, o + 2, 1)
        q.storeBytes(of: UInt32(0), toByteOffset: o + 4, as: UInt32.self)
        q.storeBytes(of: UInt8(9), toByteOffset: o + 4, as: UInt8.self)
        o += 8
        put32(q, o, 0)   // opt_endofopt
        put32(q, o + 4, UInt32(idbLength))
        sink.commit(total)
    }

    /// Bytes an enhanced packet block of `captured` bytes takes.
    @inline(__always)
    static func packetLength(captured: Int) -> Int { 32 + padded(captured) }

    /// One enhanced packet block on interface 0.
    @inline(__always)
    static func packet(into sink: ByteSink, time ns: Int64, data: UnsafeRawBufferPointer, originalLength: Int) throws {
        let total = packetLength(captured: data.count)
        let p = try sink.reserve(total)
        let t = UInt64(bitPattern: ns)
        put32(p, 0, 6); put32(p, 4, UInt32(total)); put32(p, 8, 0)
        put32(p, 12, UInt32(truncatingIfNeeded: t >> 32)); put32(p, 16, UInt32(truncatingIfNeeded: t))
        put32(p, 20, UInt32(data.count)); put32(p, 24, UInt32(clamping: originalLength))
        if let base = data.baseAddress, data.count > 0 { (p + 28).copyMemory(from: base, byteCount: data.count) }
        (p + 28 + data.count).initializeMemory(as: UInt8.self, repeating: 0, count: padded(data.count) - data.count)
        put32(p, total - 4, UInt32(total))
        sink.commit(total)
    }

    @inline(__always)
    static func padded(_ n: Int) -> Int { (n + 3) & ~3 }

    @inline(__always)
    static func put32(_ p: UnsafeMutableRawPointer, _ off: Int, _ v: UInt32) {
        p.storeBytes(of: v.littleEndian, toByteOffset: off, as: UInt32.self)
    }

    @inline(__always)
    static func put16(_ p: UnsafeMutableRawPointer, _ off: Int, _ v: UInt16) {
        p.storeBytes(of: v.littleEndian, toByteOffset: off, as: UInt16.self)
    }
}
