import COpenSSL

/// The primitives QUIC Initial packets need (RFC 9001 §5): HKDF-SHA256, AES-128 for
/// header protection and AES-128-GCM, from the system's libcrypto. Once per QUIC
/// flow, not per packet.
enum InitialCrypto {
    static func hmac(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let ok = bf_hmac_sha256(key, key.count, data, data.count, &out)
        precondition(ok == 1, "libcrypto cannot compute HMAC-SHA256")
        return out
    }

    /// HKDF-Extract (RFC 5869).
    static func extract(salt: [UInt8], inputKeyMaterial ikm: [UInt8]) -> [UInt8] { hmac(key: salt, ikm) }

    /// HKDF-Expand (RFC 5869), up to 32 bytes (all QUIC Initial keys need).
    static func expand(_ prk: [UInt8], info: [UInt8], length: Int) -> [UInt8] {
        precondition(length <= 32)
        return Array(hmac(key: prk, info + [1]).prefix(length))
    }

    /// HKDF-Expand-Label (RFC 8446 §7.1) with an empty context.
    static func expandLabel(_ secret: [UInt8], _ label: String, _ length: Int) -> [UInt8] {
        let full = Array(("tls13 " + label).utf8)
        let info: [UInt8] = [UInt8(length >> 8), UInt8(length & 0xFF), UInt8(full.count)] + full + [0]
        return expand(secret, info: info, length: length)
    }

    /// AES-128 of one 16-byte block.
    static func aesBlock(key: [UInt8], _ block: [UInt8]) -> [UInt8]? {
        guard key.count == 16, block.count == 16 else { return nil }
        var out = [UInt8](repeating: 0, count: 16)
        return bf_aes128_block(key, block, &out) == 1 ? out : nil
    }

    /// AES-128-GCM decryption; nil when the tag does not verify.
    static func open(key: [UInt8], nonce: [UInt8], aad: [UInt8], ciphertext: UnsafeRawBufferPointer,
                     tag: UnsafeRawBufferPointer) -> [UInt8]? {
        guard key.count == 16, nonce.count == 12, tag.count == 16 else { return nil }
        var out = [UInt8](repeating: 0, count: max(1, ciphertext.count))
        let ok = bf_aes128_gcm_open(key, nonce, aad, Int32(aad.count),
                                    ciphertext.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(ciphertext.count),
                                    tag.baseAddress!.assumingMemoryBound(to: UInt8.self), &out)
        guard ok == 1 else { return nil }
        return Array(out.prefix(ciphertext.count))
    }
}
