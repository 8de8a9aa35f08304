import Verdicts
import WireBytes

/// SoftEther VPN: over UDP, the server's answer to a client's probe, `IP=a.b.c.d,PORT=n`,
/// and its "PACK" messages (a count of elements, then each element's name length and a
/// lower-case name, its type 0 to 4 and its value count); the client's one-byte probe
/// alone is no evidence.
enum SoftEtherDetector: ProtocolDetector {
    static let app = AppProtocol.softether
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        if b.count == 1 { return b[0] == 0x41 && p.index < 4 ? .needMore : .excluded }
        if b.count >= 15, b.hasBytes("IP=", at: 0) {
            // IP=digits and dots,PORT=digits, nothing else.
            guard let comma = (3 ..< b.count).first(where: { b[$0] == 0x2C }), comma > 3,
                  (3 ..< comma).allSatisfy({ b[$0] == 0x2E || b[$0] >= 0x30 && b[$0] <= 0x39 || b[$0] == 0x3A || b[$0] >= 0x61 && b[$0] <= 0x66 }),
                  b.count > comma + 6, b.hasBytes(",PORT=", at: comma),
                  (comma + 6 ..< b.count).allSatisfy({ b[$0] >= 0x30 && b[$0] <= 0x39 }) else { return .excluded }
            return .detected(.softether)
        }
        return isPack(b) ? .detected(.softether) : .excluded
    }

    /// A PACK: element count 1 to 255, the first element's name length (with one added
    /// for a NUL SoftEther does not send) 2 to 64, the name in `a-z 0-9 _`, type 0 to 4,
    /// value count 1 to 255.
    static func isPack(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count >= 20 else { return false }
        let count = b.u32be(0), nameLength = Int(b.u32be(4))
        guard (1 ... 255).contains(count), (2 ... 64).contains(nameLength), 8 + nameLength - 1 + 8 <= b.count else { return false }
        let name = 8 ..< 8 + nameLength - 1
        guard name.allSatisfy({ (b[$0] >= 0x61 && b[$0] <= 0x7A) || (b[$0] >= 0x30 && b[$0] <= 0x39) || b[$0] == 0x5F }) else { return false }
        let type = b.u32be(name.upperBound), values = b.u32be(name.upperBound + 4)
        return type <= 4 && (1 ... 255).contains(values)
    }
}
