import Verdicts
import WireBytes

/// CoAP (RFC 7252) over UDP: version 1, a token of at most 8 bytes, a request or
/// response code, well-formed options. LwM2M is CoAP whose Uri-Path says so:
/// registration (`/rd`, `/bs`) or numeric object paths; object 5 is firmware update.
enum CoAPDetector: ProtocolDetector {
    static let app = AppProtocol.coap
    static let transports: [Transport] = [.udp]
    static let uriPath = 11
    static let maxOptions = 32
    /// Assigned codes: empty and the methods (0.00-0.07), 2.01-2.05 and 2.31, 4.00-4.06,
    /// 4.08, 4.12, 4.13, 4.15, 4.22, 4.29, 5.00-5.05 (RFC 7252, 7959, 8132, 8516).
    static let codes: Set<UInt8> = Set(0 ... 7).union(65 ... 69).union([95]).union(128 ... 134)
        .union([136, 140, 141, 143, 150, 157]).union(160 ... 165)

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 4, b[0] >> 6 == 1 else { return .excluded }
        let tokenLength = Int(b[0] & 0x0F)
        let code = b[1]
        guard tokenLength <= 8, codes.contains(code), 4 + tokenLength <= b.count else { return .excluded }
        // The empty message (0.00) is the 4-byte header alone.
        if code == 0, tokenLength != 0 || b.count != 4 { return .excluded }
        // Options: delta/length nibbles with extended forms; stop at the payload marker.
        var i = 4 + tokenLength
        var number = 0
        var path: [String] = []
        var count = 0
        while i < b.count, b[i] != 0xFF {
            count += 1
            guard count <= maxOptions else { return .excluded }
            var delta = Int(b[i] >> 4), length = Int(b[i] & 0x0F)
            i += 1
            guard delta != 15, length != 15 else { return .excluded }
            if delta == 13 { guard i < b.count else { return .excluded }; delta = Int(b[i]) + 13; i += 1 }
            else if delta == 14 { guard i + 1 < b.count else { return .excluded }; delta = (Int(b[i]) << 8 | Int(b[i + 1])) + 269; i += 2 }
            if length == 13 { guard i < b.count else { return .excluded }; length = Int(b[i]) + 13; i += 1 }
            else if length == 14 { guard i + 1 < b.count else { return .excluded }; length = (Int(b[i]) << 8 | Int(b[i + 1])) + 269; i += 2 }
            guard i + length <= b.count else { return .excluded }
            number += delta
            if number == uriPath, path.count < 8 {
                path.append(String(decoding: UnsafeRawBufferPointer(rebasing: b[i ..< i + length]), as: UTF8.self))
            }
            i += length
        }
        if i < b.count, i + 1 >= b.count { return .excluded }  // a payload marker with no payload
        // Without the port hint a 4-byte header is weak evidence: ask for a path or options.
        guard p.usesPort(5683) || p.usesPort(5684) || count > 0 else { return .excluded }
        let joined = "/" + path.joined(separator: "/")
        if path.first == "rd" || path.first == "bs" || (path.first.map { Int($0) != nil } ?? false) {
            if path.first == "5" || CategoryRules.namesFirmware(joined) { f.category = .firmwareUpdate }
            return .detected(.lwm2m)
        }
        if CategoryRules.namesFirmware(joined) { f.category = .firmwareUpdate }
        return .detected(.coap)
    }
}
