import WireBytes

/// Interface Description Block: link type, snap length, and the options that decide
/// how this interface's timestamps read (`if_tsresol`, `if_tsoffset`).
enum InterfaceDescriptionBlock {
    static let linkType = 8, snapLength = 12, options = 16
    static let minimumLength = 20
    static let optionName: UInt16 = 2
    static let optionTimestampResolution: UInt16 = 9
    static let optionTimestampOffset: UInt16 = 14

    static func parse(_ block: UnsafeRawBufferPointer, bigEndian: Bool, section: Int,
                      optionsOverrun: inout Bool) -> CaptureInterface {
        var interface = CaptureInterface(
            linkType: LinkType(UInt32(block.u16(linkType, bigEndian: bigEndian))).normalized,
            snapLength: block.u32(snapLength, bigEndian: bigEndian),
            section: section)
        var walker = OptionWalker(bytes: block, bigEndian: bigEndian, offset: options,
                                  end: block.count - BlockLayout.trailerLength)
        while let option = walker.next(overrun: &optionsOverrun) {
            let value = option.value
            switch option.code {
            case optionTimestampResolution where value.count >= 1:
                interface.timestampResolution = TimestampResolution(optionByte: block.u8(value.lowerBound))
            case optionTimestampOffset where value.count >= 8:
                let hi = UInt64(block.u32(value.lowerBound, bigEndian: bigEndian))
                let lo = UInt64(block.u32(value.lowerBound + 4, bigEndian: bigEndian))
                // Stored as one 64-bit integer in the section's byte order.
                let raw = bigEndian ? (hi << 32 | lo) : (lo << 32 | hi)
                interface.timestampOffset = Int64(bitPattern: raw)
            case optionName where !value.isEmpty:
                let bytes = block.view(value.lowerBound, value.count)
                let text = String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                interface.name = text
            default: break
            }
        }
        return interface
    }
}
