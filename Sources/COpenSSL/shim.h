// OpenSSL 3's libcrypto (Debian: libssl-dev), for the few primitives borderflow uses:
// HMAC-SHA256 (HKDF for QUIC Initial keys), AES-128 (header protection and the
// Initial's AEAD) and SHA-256 (the registry digest). Each helper returns 1 on success.
#include <openssl/evp.h>
#include <openssl/core_names.h>

static inline int bf_hmac_sha256(const unsigned char *key, size_t key_length,
                                 const unsigned char *data, size_t data_length, unsigned char out[32]) {
    size_t written = 0;
    return EVP_Q_mac(NULL, "HMAC", NULL, "SHA256", NULL, key, key_length, data, data_length, out, 32, &written) != NULL
        && written == 32;
}

static inline int bf_sha256(const void *data, size_t length, unsigned char out[32]) {
    unsigned int written = 0;
    return EVP_Digest(data, length, out, &written, EVP_sha256(), NULL) == 1 && written == 32;
}

/// One AES-128 block encrypted with `key` (ECB: QUIC header protection's mask).
static inline int bf_aes128_block(const unsigned char key[16], const unsigned char in[16], unsigned char out[16]) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx) return 0;
    int length = 0;
    int ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL) == 1
        && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1
        && EVP_EncryptUpdate(ctx, out, &length, in, 16) == 1 && length == 16;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}

/// AES-128-GCM decryption with a 12-byte nonce and a 16-byte tag; `out` holds
/// `length` bytes. 0 when the tag does not verify.
static inline int bf_aes128_gcm_open(const unsigned char key[16], const unsigned char nonce[12],
                                     const unsigned char *aad, int aad_length,
                                     const unsigned char *ciphertext, int length,
                                     const unsigned char tag[16], unsigned char *out) {
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx) return 0;
    int n = 0, ok = EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, NULL, NULL) == 1
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1
        && EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) == 1
        && EVP_DecryptUpdate(ctx, NULL, &n, aad, aad_length) == 1
        && EVP_DecryptUpdate(ctx, out, &n, ciphertext, length) == 1
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, (void *)tag) == 1
        && EVP_DecryptFinal_ex(ctx, out + n, &n) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok;
}
