import WireBytes

/// Section Header Block: byte-order magic, version, section length, options.
/// Every section starts afresh: its own byte order and its own interface numbering.
enum SectionHeaderBlock {
    static let byteOrderMagic = 8, versionMajor = 12, versionMinor = 14, sectionLength = 16
    static let minimumLength = 28
    static let magic: UInt32 = 0x1A2B_3C4D

    /// The section's byte order from its magic: nil when the magic is neither order.
    static func bigEndian(_ block: UnsafeRawBufferPointer) -> Bool? {
        switch block.u32le(byteOrderMagic) {
        case magic: return false
        case magic.byteSwapped: return true
        default: return nil
        }
    }
}
