import WireBytes

/// Writes the pcapng blocks of a capture we make (synthetic plants, live archives):
/// one section with one interface whose timestamps are nanoseconds (`if_tsresol` 9),
/// then enhanced packet blocks, straight into a `ByteSink`'s buffer, in either byte order.
public struct PcapngBlockWriter {
    public let sink: ByteSink
    public let bigEndian: Bool

    public init(sink: ByteSink, bigEndian: Bool = false) {
        self.sink = sink
        self.bigEndian = bigEndian
    }

    @inline(__always)
    func put32(_ p: UnsafeMutableRawPointer, _ off: Int, _ v: UInt32) {
        p.storeBytes(of: bigEndian ? v.bigEndian : v.littleEndian, toByteOffset: off, as: UInt32.self)
    }

    @inline(__always)
    func put16(_ p: UnsafeMutableRawPointer, _ off: Int, _ v: UInt16) {
        p.storeBytes(of: bigEndian ? v.bigEndian : v.littleEndian, toByteOffset: off, as: UInt16.self)
    }

    @inline(__always)
    static func padded(_ n: Int) -> Int { (n + 3) & ~3 }

    /// Section header (version 1.0, length unknown) and the interface description:
    /// link type, snap length, `if_name` when given, `if_tsresol` = 9.
    public func header(linkType: LinkType, snapLength: UInt32, interfaceName: String? = nil) throws {
        let name = Array((interfaceName ?? "").utf8.prefix(0xFFFF))
        let nameOption = name.isEmpty ? 0 : 4 + Self.padded(name.count)
        let idbLength = 16 + nameOption + 8 + 4 + 4   // fixed part, if_name, if_tsresol, opt_endofopt, trailer
        let total = 28 + idbLength
        let p = try sink.reserve(total)
        put32(p, 0, 0x0A0D_0D0A); put32(p, 4, 28); put32(p, 8, 0x1A2B_3C4D); put16(p, 12, 1); put16(p, 14, 0)
        put32(p, 16, 0xFFFF_FFFF); put32(p, 20, 0xFFFF_FFFF); put32(p, 24, 28)
        let q = p + 28
        put32(q, 0, 1); put32(q, 4, UInt32(idbLength))
        put16(q, 8, UInt16(truncatingIfNeeded: linkType.rawValue)); put16(q, 10, 0)
        put32(q, 12, snapLength)
        var o = 16
        if !name.isEmpty {
            put16(q, o, 2); put16(q, o + 2, UInt16(name.count))
            name.withUnsafeBytes { (q + o + 4).copyMemory(from: $0.baseAddress!, byteCount: name.count) }
            (q + o + 4 + name.count).initializeMemory(as: UInt8.self, repeating: 0, count: Self.padded(name.count) - name.count)
            o += 4 + Self.padded(name.count)
        }
        // if_tsresol: one byte (any byte order), then padding.
        put16(q, o, 9); put16(q, o + 2, 1)
        q.storeBytes(of: UInt8(9), toByteOffset: o + 4, as: UInt8.self)
        (q + o + 5).initializeMemory(as: UInt8.self, repeating: 0, count: 3)
        put32(q, o + 8, 0)   // opt_endofopt
        put32(q, o + 12, UInt32(idbLength))
        sink.commit(total)
    }

    /// Bytes an enhanced packet block of `captured` bytes takes.
    @inline(__always)
    public static func packetLength(captured: Int) -> Int { 32 + padded(captured) }

    /// Reserves an enhanced packet block on interface 0 with its header, padding and
    /// trailer written; returns where the `captured` packet bytes go. The caller fills
    /// them and commits `packetLength(captured:)`.
    @inline(__always)
    public func beginPacket(time ns: Int64, captured: Int, originalLength: Int) throws -> UnsafeMutableRawPointer {
        let total = Self.packetLength(captured: captured)
        let p = try sink.reserve(total)
        let t = UInt64(bitPattern: ns)
        put32(p, 0, 6); put32(p, 4, UInt32(total)); put32(p, 8, 0)
        put32(p, 12, UInt32(truncatingIfNeeded: t >> 32)); put32(p, 16, UInt32(truncatingIfNeeded: t))
        put32(p, 20, UInt32(captured)); put32(p, 24, UInt32(clamping: originalLength))
        (p + 28 + captured).initializeMemory(as: UInt8.self, repeating: 0, count: Self.padded(captured) - captured)
        put32(p, total - 4, UInt32(total))
        return p + 28
    }

    /// One enhanced packet block holding `data`.
    @inline(__always)
    public func packet(time ns: Int64, data: UnsafeRawBufferPointer, originalLength: Int) throws {
        let p = try beginPacket(time: ns, captured: data.count, originalLength: originalLength)
        if let base = data.baseAddress, data.count > 0 { p.copyMemory(from: base, byteCount: data.count) }
        sink.commit(Self.packetLength(captured: data.count))
    }
}
