import Verdicts
import WireBytes

/// TFTP (RFC 1350, options RFC 2347): a read or write request (opcode 1 or 2, a file
/// name and a transfer mode, each ending in NUL), or, on the ports a transfer moves to,
/// DATA blocks (opcode 3) answered by 4-byte ACKs (opcode 4), an OACK (opcode 6) naming
/// known options, and ERROR (opcode 5) with its text.
enum TFTPDetector: ProtocolDetector {
    static let app = AppProtocol.tftp
    static let transports: [Transport] = [.udp]
    static let modes: [String] = ["netascii", "octet", "mail"]
    /// Options a request may carry and an OACK acknowledges (RFC 2348, 2349, 7440, 2090).
    static let options: [String] = ["blksize", "tsize", "timeout", "windowsize", "multicast"]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 4, b[0] == 0 else { return .excluded }
        switch b[1] {
        case 1, 2:
            // File name, NUL, mode, NUL (then option pairs, each NUL-terminated).
            guard let nameEnd = (2 ..< b.count).first(where: { b[$0] == 0 }),
                  let modeEnd = (nameEnd + 1 ..< b.count).first(where: { b[$0] == 0 }), modeEnd > nameEnd + 1,
                  (2 ..< nameEnd).allSatisfy({ b[$0] >= 0x20 && b[$0] < 0x7F }) else { return .excluded }
            let mode = String(decoding: UnsafeRawBufferPointer(rebasing: b[nameEnd + 1 ..< modeEnd]), as: UTF8.self).lowercased()
            guard modes.contains(mode), b[b.count - 1] == 0 else { return .excluded }
            return .detected(.tftp)
        case 3:
            // DATA: at most a block (512 bytes by default, up to 65,464 with blksize).
            guard b.count <= 65468 else { return .excluded }
            return p.index == 0 && b.u16be(2) == 1 || p.index > 0 ? .needMore : .excluded
        case 4:
            // ACK: exactly the block number. Block 0 answers a write request.
            guard b.count == 4 else { return .excluded }
            return p.index > 0 ? .detected(.tftp) : (b.u16be(2) == 0 ? .needMore : .excluded)
        case 5:
            // ERROR: code 0 to 8, a message, NUL at the end.
            guard b.count >= 5, b[2] == 0, b[3] <= 8, b[b.count - 1] == 0,
                  (4 ..< b.count - 1).allSatisfy({ b[$0] >= 0x20 && b[$0] < 0x7F }) else { return .excluded }
            return .detected(.tftp)
        case 6:
            // OACK: option and value pairs, each NUL-terminated, the first a known option.
            guard b.count >= 6, b[b.count - 1] == 0, (2 ..< b.count).allSatisfy({ b[$0] == 0 || b[$0] >= 0x20 && b[$0] < 0x7F }),
                  (2 ..< b.count).filter({ b[$0] == 0 }).count % 2 == 0,
                  let end = (2 ..< b.count).first(where: { b[$0] == 0 }) else { return .excluded }
            let option = String(decoding: UnsafeRawBufferPointer(rebasing: b[2 ..< end]), as: UTF8.self).lowercased()
            return options.contains(option) ? .detected(.tftp) : .excluded
        default:
            return .excluded
        }
    }
}
