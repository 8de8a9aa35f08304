import WireBytes

/// What a stream of bytes was found to be, from its first bytes alone.
public enum ContainerFormat: String, Sendable, Equatable {
    case pcap, pcapng
}

/// A compression layer found around the capture.
public enum Compression: String, Sendable, Equatable {
    case lz4, gzip, zstd
}

/// Magic numbers, as the first four bytes read little-endian.
enum Magic {
    static let pcapMicro: UInt32 = 0xA1B2_C3D4
    static let pcapNano: UInt32 = 0xA1B2_3C4D
    static let pcapMicroSwapped: UInt32 = 0xD4C3_B2A1
    static let pcapNanoSwapped: UInt32 = 0x4D3C_B2A1
    static let pcapngSection: UInt32 = 0x0A0D_0D0A
    static let lz4Frame: UInt32 = 0x184D_2204
    static let lz4Legacy: UInt32 = 0x184C_2102
    static let lz4SkippableMask: UInt32 = 0xFFFF_FFF0
    /// Skippable frames, shared by LZ4 and Zstandard: the frame after one decides.
    static let lz4Skippable: UInt32 = 0x184D_2A50
    static let zstdFrame: UInt32 = 0xFD2F_B528
    static let gzip: UInt16 = 0x8B1F
}

/// What the first bytes of a stream say it is.
public enum SniffResult: Equatable {
    case pcap(nanosecond: Bool, bigEndian: Bool)
    case pcapng
    case compressed(Compression)
    case legacyLZ4
    case tooShort
    case unknown(UInt32)
}

public func sniff(_ head: UnsafeRawBufferPointer) -> SniffResult {
    if head.count >= 2, head.u16le(0) == Magic.gzip { return .compressed(.gzip) }
    guard head.count >= 4 else { return .tooShort }
    let m = head.u32le(0)
    switch m {
    case Magic.pcapMicro: return .pcap(nanosecond: false, bigEndian: false)
    case Magic.pcapNano: return .pcap(nanosecond: true, bigEndian: false)
    case Magic.pcapMicroSwapped: return .pcap(nanosecond: false, bigEndian: true)
    case Magic.pcapNanoSwapped: return .pcap(nanosecond: true, bigEndian: true)
    case Magic.pcapngSection: return .pcapng
    case Magic.lz4Frame: return .compressed(.lz4)
    case Magic.lz4Legacy: return .legacyLZ4
    case Magic.zstdFrame: return .compressed(.zstd)
    default:
        if m & Magic.lz4SkippableMask == Magic.lz4Skippable {
            // Skippable frames (zstd's parallel writers start with one): look past them.
            var at = 0
            while at + 8 <= head.count, head.u32le(at) & Magic.lz4SkippableMask == Magic.lz4Skippable {
                at += 8 + Int(head.u32le(at + 4))
            }
            if at + 4 <= head.count, head.u32le(at) == Magic.zstdFrame { return .compressed(.zstd) }
            return .compressed(.lz4)
        }
        return .unknown(m)
    }
}
