import WireBytes

/// QUIC client Initial packets (RFC 9000 §17.2.2, RFC 9001 §5; v2: RFC 9369; draft-29):
/// removes header protection and decrypts with the keys every observer can derive from
/// the Destination Connection ID, then collects the CRYPTO frames that carry the TLS
/// ClientHello. Runs once per QUIC flow, on its first client packets only.
public enum QUICInitial {
    static let saltV1: [UInt8] = [0x38, 0x76, 0x2C, 0xF7, 0xF5, 0x59, 0x34, 0xB3, 0x4D, 0x17, 0x9A, 0xE6, 0xA4, 0xC8, 0x0C, 0xAD, 0xCC, 0xBB, 0x7F, 0x0A]
    static let saltV2: [UInt8] = [0x0D, 0xED, 0xE3, 0xDE, 0xF7, 0x00, 0xA6, 0xDB, 0x81, 0x93, 0x81, 0xBE, 0x6E, 0x26, 0x9D, 0xCB, 0xF9, 0xBD, 0x2E, 0xD9]
    static let saltDraft29: [UInt8] = [0xAF, 0xBF, 0xEC, 0x28, 0x99, 0x93, 0xD2, 0x4C, 0x9E, 0x97, 0x86, 0xF1, 0x9C, 0x61, 0x11, 0xE0, 0x43, 0x90, 0xA8, 0x99]
    /// Drafts 23 to 28.
    static let saltDraft23: [UInt8] = [0xC3, 0xEE, 0xF7, 0x12, 0xC7, 0x2E, 0xBB, 0x5A, 0x11, 0xA7, 0xD2, 0x43, 0x2B, 0xB4, 0x63, 0x65, 0xBE, 0xF9, 0xF5, 0x02]
    /// Google QUIC Q050: IETF-style Initial protection with Google's salt; inside, a gQUIC CHLO.
    static let saltQ050: [UInt8] = [0x50, 0x45, 0x74, 0xEF, 0xD0, 0x66, 0xFE, 0x2F, 0x9D, 0x94, 0x5C, 0xFC, 0xDB, 0xD3, 0xA7, 0xF0, 0xD3, 0xB5, 0x6B, 0x45]
    public static let versionQ050: UInt32 = 0x5130_3530

    /// A CRYPTO frame's data and its offset in the crypto stream.
    public struct CryptoChunk: Equatable {
        public var offset: Int
        public var data: [UInt8]

        public init(offset: Int, data: [UInt8]) {
            self.offset = offset
            self.data = data
        }
    }

    /// The CRYPTO data of one client Initial packet (the first in a datagram), or nil
    /// when it is not one or does not decrypt.
    public static func cryptoData(_ b: UnsafeRawBufferPointer) -> [CryptoChunk]? {
        guard let d = decrypt(b), d.version != versionQ050 else { return nil }
        return d.plain.withUnsafeBytes { frames($0) }
    }

    /// A decrypted client Initial: its frames, its version, and the connection ID its
    /// keys came from.
    public struct Decrypted {
        public var plain: [UInt8]
        public var version: UInt32
        public var keyDCID: [UInt8]
    }

    /// Decrypts a client Initial (the first packet in a datagram). Keys come from the
    /// DCID of the client's first Initial (RFC 9001 §5.2), which later Initials no
    /// longer carry once the server chose its own ID: `firstDCID` is tried first, then
    /// the packet's own DCID (the first packet, or new keys after a Retry).
    public static func decrypt(_ b: UnsafeRawBufferPointer, firstDCID: [UInt8]? = nil) -> Decrypted? {
        if let firstDCID, !firstDCID.isEmpty, let d = decrypt(b, keyDCID: firstDCID) { return d }
        return decrypt(b, keyDCID: nil)
    }

    static func decrypt(_ b: UnsafeRawBufferPointer, keyDCID: [UInt8]?) -> Decrypted? {
        guard b.count >= 7, b[0] & 0xC0 == 0xC0 else { return nil }
        let version = b.u32be(1)
        let salt: [UInt8]
        let v2 = version == 0x6B33_43CF
        let typeBits = Int(b[0] >> 4) & 3
        if version == 1 { salt = saltV1; guard typeBits == 0 else { return nil } }
        else if v2 { salt = saltV2; guard typeBits == 1 else { return nil } }
        else if version >= 0xFF00_001D, version <= 0xFF00_0022 { salt = saltDraft29; guard typeBits == 0 else { return nil } }
        else if version >= 0xFF00_0017, version <= 0xFF00_001C { salt = saltDraft23; guard typeBits == 0 else { return nil } }
        else if version == versionQ050 { salt = saltQ050; guard typeBits == 0 else { return nil } }
        else { return nil }
        var c = Cursor(b, from: 5)
        guard let dcidLength = c.u8(), dcidLength <= 20, c.remaining >= Int(dcidLength) else { return nil }
        let dcid = keyDCID ?? Array(UnsafeRawBufferPointer(rebasing: b[c.offset ..< c.offset + Int(dcidLength)]))
        _ = c.skip(Int(dcidLength))
        guard let scidLength = c.u8(), scidLength <= 20, c.skip(Int(scidLength)),
              let tokenLength = varint(&c), tokenLength <= 4096, c.skip(Int(tokenLength)),
              let length = varint(&c), length >= 20, Int(length) <= c.remaining else { return nil }
        let pnOffset = c.offset
        let packetEnd = pnOffset + Int(length)

        // Keys (RFC 9001 §5.2): HKDF with the version's salt over the client's DCID.
        let prefix = v2 ? "quicv2 " : "quic "
        let initial = InitialCrypto.extract(salt: salt, inputKeyMaterial: dcid)
        let clientSecret = InitialCrypto.expandLabel(initial, "client in", 32)
        let key = InitialCrypto.expandLabel(clientSecret, prefix + "key", 16)
        let iv = InitialCrypto.expandLabel(clientSecret, prefix + "iv", 12)
        let hp = InitialCrypto.expandLabel(clientSecret, prefix + "hp", 16)

        // Header protection: AES-ECB of a 16-byte sample 4 bytes past the packet number.
        guard pnOffset + 4 + 16 <= packetEnd else { return nil }
        guard let mask = InitialCrypto.aesBlock(key: hp, Array(UnsafeRawBufferPointer(rebasing: b[pnOffset + 4 ..< pnOffset + 20]))) else {
            return nil
        }
        var header = Array(UnsafeRawBufferPointer(rebasing: b[0 ..< pnOffset + 4]))
        header[0] ^= mask[0] & 0x0F
        let pnLength = Int(header[0] & 0x03) + 1
        header.removeLast(4 - pnLength)
        var pn: UInt64 = 0
        for i in 0 ..< pnLength {
            header[pnOffset + i] ^= mask[1 + i]
            pn = pn << 8 | UInt64(header[pnOffset + i])
        }
        var nonce = iv
        for i in 0 ..< 8 { nonce[11 - i] ^= UInt8(truncatingIfNeeded: pn >> (8 * UInt64(i))) }
        let cipherStart = pnOffset + pnLength
        guard packetEnd - cipherStart > 16 else { return nil }
        guard let plain = InitialCrypto.open(key: key, nonce: nonce, aad: header,
                                             ciphertext: UnsafeRawBufferPointer(rebasing: b[cipherStart ..< packetEnd - 16]),
                                             tag: UnsafeRawBufferPointer(rebasing: b[packetEnd - 16 ..< packetEnd])) else { return nil }
        return Decrypted(plain: plain, version: version, keyDCID: dcid)
    }

    /// CRYPTO frames among PADDING, PING, ACK and CONNECTION_CLOSE (the frames an
    /// Initial may carry); anything else ends the walk.
    public static func frames(_ p: UnsafeRawBufferPointer) -> [CryptoChunk]? {
        var c = Cursor(p)
        var out: [CryptoChunk] = []
        while c.remaining > 0 {
            guard let type = varint(&c) else { break }
            switch type {
            case 0x00, 0x01: continue
            case 0x02, 0x03:
                guard varint(&c) != nil, varint(&c) != nil, let ranges = varint(&c), ranges < 256, varint(&c) != nil else { return out }
                for _ in 0 ..< ranges { guard varint(&c) != nil, varint(&c) != nil else { return out } }
                if type == 0x03 { for _ in 0 ..< 3 { guard varint(&c) != nil else { return out } } }
            case 0x06:
                guard let offset = varint(&c), let length = varint(&c), offset < 1 << 20, Int(length) <= c.remaining else { return out }
                out.append(CryptoChunk(offset: Int(offset), data: Array(UnsafeRawBufferPointer(rebasing: p[c.offset ..< c.offset + Int(length)]))))
                _ = c.skip(Int(length))
            case 0x1C:
                return out
            default:
                return out
            }
        }
        return out
    }

    /// The ClientHello in a crypto stream's first bytes (a handshake message, no record layer).
    public static func clientHello(_ stream: UnsafeRawBufferPointer) -> ParseResult<ClientHelloInfo> {
        guard stream.count >= 4 else { return .incomplete(needed: 4) }
        guard stream[0] == 1 else { return .invalid }
        let length = Int(stream[1]) << 16 | Int(stream[2]) << 8 | Int(stream[3])
        guard length <= TLSHandshake.maxHandshake else { return .invalid }
        guard stream.count >= 4 + length else { return .incomplete(needed: 4 + length) }
        guard let info = TLSHandshake.parseClientHelloBody(Cursor(stream, from: 4, end: 4 + length), dtls: false) else { return .invalid }
        return .complete(info, consumed: 4 + length)
    }

    static func varint(_ c: inout Cursor) -> UInt64? {
        guard let first = c.u8() else { return nil }
        let length = 1 << Int(first >> 6)
        var v = UInt64(first & 0x3F)
        for _ in 1 ..< length {
            guard let b = c.u8() else { return nil }
            v = v << 8 | UInt64(b)
        }
        return v
    }
}
