import Verdicts
import WireBytes

/// SMB 1, 2 and 3 over TCP: the 4-byte session header (message type 0 and a length at
/// least an SMB header long) followed by the protocol id — `FF 'SMB'` (SMB1),
/// `FE 'SMB'` (SMB2/3, with its header's fixed structure size), `FD 'SMB'` (encrypted)
/// or `FC 'SMB'` (compressed). Before SMB on port 139 comes the NetBIOS session request,
/// recognised by its two encoded names.
enum SMBDetector: ProtocolDetector {
    static let app = AppProtocol.smb
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        let n = b.count
        guard let type = b.first else { return .needMore }
        if type == 0x81 { return sessionRequest(b) }
        guard type == 0x00 else { return .excluded }
        if n >= 5, b[4] < 0xFC { return .excluded }
        guard n >= 8 else {
            // The bytes so far must spell the start of `SMB`.
            var i = 5
            while i < n {
                let expected: UInt8 = i == 5 ? 0x53 : (i == 6 ? 0x4D : 0x42)
                if b[i] != expected { return .excluded }
                i += 1
            }
            return .needMore
        }
        guard b.hasBytes("SMB", at: 5) else { return .excluded }
        let length = Int(b[1]) << 16 | Int(b.u16be(2))
        let minimum: Int
        switch b[4] {
        case 0xFF: minimum = 32
        case 0xFE: minimum = 64
        case 0xFD: minimum = 52
        default: minimum = 16
        }
        guard length >= minimum else { return .excluded }
        // A whole message followed by more: the next is a session message or a keepalive.
        if 4 + length < n, b[4 + length] != 0x00, b[4 + length] != 0x85 { return .excluded }
        // SMB2/3: the header's structure size is 64.
        if b[4] == 0xFE, n >= 10, b.u16le(8) != 64 { return .excluded }
        return .detected(.smb)
    }

    /// NetBIOS session request: `81 00 <length>`, then the called and calling names,
    /// each 32 letters `A`–`P` (two per byte of the name) between `20` and a `00`.
    static func sessionRequest(_ b: UnsafeRawBufferPointer) -> DetectorVerdict {
        let n = b.count
        if n >= 2, b[1] != 0 { return .excluded }
        guard n >= 4 else { return .needMore }
        let length = Int(b.u16be(2))
        guard length >= 68, length <= 512 else { return .excluded }
        var i = 4
        while i < min(n, 39) {
            let c = b[i]
            switch i {
            case 4, 38: if c != 0x20 { return .excluded }
            case 37: if c != 0x00 { return .excluded }
            default: if c < 0x41 || c > 0x50 { return .excluded }
            }
            i += 1
        }
        return n >= 39 ? .detected(.smb) : .needMore
    }
}
