import COpenSSL
import WireBytes

/// The SHA-256 of a registry file, in hex: the evidence report's proof of which
/// registry the findings were judged against.
public enum RegistryDigest {
    public static func sha256(ofFile path: String) -> String? {
        guard let file = try? MappedFile(path: path) else { return nil }
        return withExtendedLifetime(file) { sha256(file.bytes) }
    }

    public static func sha256(_ bytes: UnsafeRawBufferPointer) -> String? {
        var digest = [UInt8](repeating: 0, count: 32)
        // A zero-length view may have no base address; libcrypto wants one.
        let ok = withUnsafeBytes(of: 0) { empty in
            bf_sha256(bytes.baseAddress ?? empty.baseAddress, bytes.count, &digest)
        }
        guard ok == 1 else { return nil }
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest { out += [hex[Int(b >> 4)], hex[Int(b & 15)]] }
        return String(decoding: out, as: UTF8.self)
    }
}
