import WireBytes

/// The three blocks that carry packets: Enhanced (EPB), Simple (SPB) and the
/// obsolete Packet Block (PB) that old writers still produce.
enum EnhancedPacketBlock {
    static let interfaceID = 8, timestampHigh = 12, timestampLow = 16
    static let capturedLength = 20, originalLength = 24, data = 28
    static let minimumLength = 32
}

enum SimplePacketBlock {
    static let originalLength = 8, data = 12
    static let minimumLength = 16
}

enum ObsoletePacketBlock {
    static let interfaceID = 8, dropsCount = 10, timestampHigh = 12, timestampLow = 16
    static let capturedLength = 20, originalLength = 24, data = 28
    static let minimumLength = 32
}
