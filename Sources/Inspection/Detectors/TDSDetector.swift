import Verdicts
import WireBytes

/// Microsoft SQL Server (TDS): an 8-byte packet header (a known packet type, status
/// bits only, a big-endian length that frames the packet, window 0) and what it carries:
/// a PRELOGIN option table that opens with VERSION (from the client, or the server's
/// answer), a TLS handshake inside PRELOGIN packets, a LOGIN7 with a TDS 7.x version,
/// the ALL_HEADERS block of a batch, RPC or transaction request, or an NTLM message. On
/// the SQL Server port a batch of UTF-16 text, an RPC name or a server token stream
/// will also do.
enum TDSDetector: ProtocolDetector {
    static let app = AppProtocol.tds
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        let n = b.count
        guard let type = b.first else { return .needMore }
        guard isPacketType(type) else { return .excluded }
        if n >= 2, b[1] & 0xE0 != 0 { return .excluded }
        guard n >= 8 else { return .needMore }
        let length = Int(b.u16be(2))
        guard length >= 8, b[7] == 0 else { return .excluded }
        // A packet followed by more bytes: the next must start like a packet too.
        if length < n, !isPacketType(b[length]) { return .excluded }
        let onPort = p.usesPort(1433)

        switch type {
        case 0x12:  // PRELOGIN, or TLS handshake records carried in PRELOGIN packets
            guard n >= 10 else { return .needMore }
            if b[8] == 0x16, b[9] == 0x03 { return .detected(.tds) }
            return preloginTable(b, length: length)
        case 0x04:  // the server: a PRELOGIN answer, or a token stream
            if n >= 8 + 5, b[8] == 0x00, preloginTable(b, length: length) == .detected(.tds) { return .detected(.tds) }
            guard n >= 9 else { return .needMore }
            guard isToken(b[8]) else { return .excluded }
            return onPort ? .detected(.tds) : .needMore
        case 0x10:  // LOGIN7: its own length, then the TDS version
            guard n >= 16 else { return .needMore }
            let loginLength = Int(b.u32le(8))
            let eom = b[1] & 0x01 != 0
            guard loginLength >= 36, eom ? (loginLength == length - 8) : (loginLength > length - 8) else { return .excluded }
            let major = b[15], minor = b[12]
            let majorFirst = b[12], minorLast = b[15]
            let versionLE = major >= 0x70 && major <= 0x74 && minor <= 0x0F
            let versionBE = majorFirst >= 0x70 && majorFirst <= 0x74 && minorLast <= 0x0F
            return versionLE || versionBE ? .detected(.tds) : .excluded
        case 0x01, 0x03, 0x0E:  // SQL batch, RPC, transaction manager request
            if n >= 18, allHeaders(b, length: length) { return .detected(.tds) }
            if type == 0x0E { return n >= 18 ? .excluded : .needMore }
            if n < 18, n < length { return .needMore }
            return withoutHeaders(b, type: type, length: length, onPort: onPort)
        case 0x11:  // SSPI: an NTLM message
            guard n >= 16 else { return .needMore }
            return b.hasBytes("NTLMSSP\u{0}", at: 8) ? .detected(.tds) : .excluded
        default:  // attention, bulk load, federated authentication: too plain alone
            return onPort ? .needMore : .excluded
        }
    }

    static func isPacketType(_ t: UInt8) -> Bool {
        switch t {
        case 0x01, 0x02, 0x03, 0x04, 0x06, 0x07, 0x08, 0x0E, 0x10, 0x11, 0x12: return true
        default: return false
        }
    }

    /// Tokens a server's response stream starts with.
    static func isToken(_ t: UInt8) -> Bool {
        switch t {
        case 0x79, 0x81, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xD1, 0xE3, 0xED, 0xEE, 0xFD, 0xFE, 0xFF: return true
        default: return false
        }
    }

    /// A PRELOGIN option table whose first option is VERSION: token 0, an offset past
    /// the table's start, length 6, inside the packet.
    static func preloginTable(_ b: UnsafeRawBufferPointer, length: Int) -> DetectorVerdict {
        guard b[8] == 0x00 else { return .excluded }
        guard b.count >= 13 else { return .needMore }
        let offset = Int(b.u16be(9))
        guard b.u16be(11) == 6, offset >= 6, 8 + offset + 6 <= length else { return .excluded }
        return .detected(.tds)
    }

    /// ALL_HEADERS (TDS 7.2 on): its total length, then a transaction descriptor header
    /// (18 bytes, type 2) or a trace activity header (26 bytes, type 3).
    static func allHeaders(_ b: UnsafeRawBufferPointer, length: Int) -> Bool {
        let total = Int(b.u32le(8))
        let first = Int(b.u32le(12))
        let kind = b.u16le(16)
        guard (first == 18 && kind == 2) || (first == 26 && kind == 3) else { return false }
        return total >= first && total <= length - 8
    }

    /// A batch or RPC without ALL_HEADERS (TDS 7.1): UTF-16 text, or an RPC's name or
    /// procedure id. On the SQL Server port; elsewhere a batch of longer text in a
    /// packet that ends where the payload does.
    static func withoutHeaders(_ b: UnsafeRawBufferPointer, type: UInt8, length: Int, onPort: Bool) -> DetectorVerdict {
        if type == 0x01 {
            let needed = onPort ? 4 : 8
            let characters = utf16Text(b, from: 8, limit: min(length, b.count))
            if characters >= needed, onPort || (b[1] & 0x01 != 0 && length == b.count) { return .detected(.tds) }
            return .excluded
        }
        guard onPort, b.count >= 12 else { return .excluded }
        let nameLength = Int(b.u16le(8))
        if nameLength == 0xFFFF {
            let procedure = b.u16le(10)
            return procedure >= 1 && procedure <= 15 ? .detected(.tds) : .excluded
        }
        guard nameLength >= 1, nameLength <= 128 else { return .excluded }
        return utf16Text(b, from: 10, limit: min(b.count, 10 + 2 * nameLength)) >= min(nameLength, 16) ? .detected(.tds) : .excluded
    }

    /// How many printable UTF-16LE characters (ASCII range) run from `from`, up to 16.
    static func utf16Text(_ b: UnsafeRawBufferPointer, from: Int, limit: Int) -> Int {
        var i = from
        var count = 0
        while i + 1 < limit, count < 16 {
            let c = b[i]
            guard b[i + 1] == 0, (c >= 0x20 && c < 0x7F) || c == 0x09 || c == 0x0A || c == 0x0D else { break }
            count += 1
            i += 2
        }
        return count
    }
}
