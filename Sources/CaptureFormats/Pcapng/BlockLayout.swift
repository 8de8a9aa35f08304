import WireBytes

/// pcapng block framing (draft-ietf-opsawg-pcapng): type, total length, body padded
/// to 32 bits, total length again.
enum BlockLayout {
    static let type = 0, totalLength = 4, body = 8
    static let headerLength = 8, trailerLength = 4, minimumLength = 12
}

/// Block type codes this reader acts on or the segment scan knows; every other type is
/// skipped by its length.
enum BlockType {
    static let sectionHeader: UInt32 = 0x0A0D_0D0A
    static let interfaceDescription: UInt32 = 1
    static let obsoletePacket: UInt32 = 2
    static let simplePacket: UInt32 = 3
    static let nameResolution: UInt32 = 4
    static let interfaceStatistics: UInt32 = 5
    static let enhancedPacket: UInt32 = 6
    static let decryptionSecrets: UInt32 = 10
    static let custom: UInt32 = 0x0000_0BAD
    static let customNoCopy: UInt32 = 0x4000_0BAD
}

/// Walks the options of a block body: code, length, value padded to 32 bits.
struct OptionWalker {
    let bytes: UnsafeRawBufferPointer
    let bigEndian: Bool
    var offset: Int
    let end: Int

    /// The next option's code and value range, or nil at `opt_endofopt` or the end.
    /// Sets `overrun` when an option's length runs past the block.
    mutating func next(overrun: inout Bool) -> (code: UInt16, value: Range<Int>)? {
        guard end - offset >= 4 else { return nil }
        let code = bytes.u16(offset, bigEndian: bigEndian)
        let length = Int(bytes.u16(offset + 2, bigEndian: bigEndian))
        if code == 0 { return nil }
        let start = offset + 4
        if length > end - start { overrun = true; return nil }
        offset = start + ((length + 3) & ~3)
        return (code, start ..< start + length)
    }
}
