/// What a streaming parser says of the bytes it was given.
public enum ParseResult<Value> {
    /// Parsed; `consumed` bytes made up the message.
    case complete(Value, consumed: Int)
    /// The message needs `needed` bytes in all; call again with more.
    case incomplete(needed: Int)
    /// Not this protocol, or broken beyond use.
    case invalid

    public var value: Value? {
        if case let .complete(v, _) = self { return v }
        return nil
    }
}

/// A bounds-checked cursor over a payload: `read` moves, `peek` does not; every read
/// returns nil past the end instead of trapping.
struct Cursor {
    let bytes: UnsafeRawBufferPointer
    var offset: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, from offset: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
    }

    var remaining: Int { end - offset }

    mutating func u8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func u16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func u24() -> Int? {
        guard remaining >= 3 else { return nil }
        defer { offset += 3 }
        return Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
    }

    mutating func u32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    mutating func skip(_ n: Int) -> Bool {
        guard n >= 0, remaining >= n else { return false }
        offset += n
        return true
    }

    /// A sub-cursor over the next `n` bytes, which this cursor skips.
    mutating func sub(_ n: Int) -> Cursor? {
        guard n >= 0, remaining >= n else { return nil }
        defer { offset += n }
        return Cursor(bytes, from: offset, end: offset + n)
    }

    /// The next `n` bytes as text (ASCII/UTF-8, invalid bytes replaced).
    mutating func string(_ n: Int) -> String? {
        guard n >= 0, remaining >= n else { return nil }
        defer { offset += n }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset ..< offset + n]), as: UTF8.self)
    }
}
