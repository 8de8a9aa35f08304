import WireBytes

/// QUIC long-header packets of version 1, version 2 and draft-29 (and version
/// negotiation). Reading the SNI needs the Initial packets decrypted: see QUICInitial.
enum QUICDetector: ProtocolDetector {
    static let app = AppProtocol.quic
    static let transports: [Transport] = [.udp]
    static let versions: Set<UInt32> = [0x0000_0001, 0x6B33_43CF, 0xFF00_001D, 0xFF00_001C, 0xFF00_001B, 0]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 7, b[0] & 0xC0 == 0xC0 else { return .excluded }
        let version = UInt32(b[1]) << 24 | UInt32(b[2]) << 16 | UInt32(b[3]) << 8 | UInt32(b[4])
        guard versions.contains(version) || version & 0x0F0F_0F0F == 0x0A0A_0A0A else { return .excluded }
        let dcidLength = Int(b[5])
        guard dcidLength <= 20, 6 + dcidLength < b.count else { return .excluded }
        let scidLength = Int(b[6 + dcidLength])
        guard scidLength <= 20, 7 + dcidLength + scidLength <= b.count else { return .excluded }
        // Initial packets are padded to at least 1200 bytes by clients; others are
        // still QUIC if the version is one we know.
        return .detected(.quic)
    }
}
