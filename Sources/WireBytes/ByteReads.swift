// Fixed-width reads at an absolute offset of a raw buffer.
//
// Safety contract: callers check `offset + width <= buffer.count` once, up front,
// for the whole header they decode (the `ensure` helpers below do that and throw);
// after that check no accessor can fail, and release builds read without re-checking.

extension UnsafeRawBufferPointer {
    @inlinable @inline(__always)
    public func u8(_ offset: Int) -> UInt8 {
        load(fromByteOffset: offset, as: UInt8.self)
    }

    @inlinable @inline(__always)
    public func u16be(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    public func u16le(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    public func u32be(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    public func u32le(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inlinable @inline(__always)
    public func u64be(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// 16 bits in the given byte order (`swapped` = the file's order differs from big-endian).
    @inlinable @inline(__always)
    public func u16(_ offset: Int, bigEndian: Bool) -> UInt16 {
        bigEndian ? u16be(offset) : u16le(offset)
    }

    @inlinable @inline(__always)
    public func u32(_ offset: Int, bigEndian: Bool) -> UInt32 {
        bigEndian ? u32be(offset) : u32le(offset)
    }

    /// Throws a truncation error unless `count` bytes are present from `offset`.
    @inlinable @inline(__always)
    public func ensure(_ count: Int, at offset: Int, layer: WireLayer) throws(WireError) {
        if _slowPath(offset < 0 || count < 0 || offset > self.count || self.count - offset < count) {
            throw WireError.truncated(layer, needed: count, available: Swift.max(0, self.count - offset), at: offset)
        }
    }

    /// A sub-view without copying; the caller has checked the range.
    @inlinable @inline(__always)
    public func view(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: self[offset ..< offset + count])
    }

    /// Whether the bytes at `offset` equal `literal` (false if out of range).
    @inlinable
    public func hasBytes(_ literal: StaticString, at offset: Int) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard offset >= 0, offset <= count, count - offset >= n else { return false }
        return literal.withUTF8Buffer { lit in
            for i in 0 ..< n where lit[i] != self[offset + i] { return false }
            return true
        }
    }
}
