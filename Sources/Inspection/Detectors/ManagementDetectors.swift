import Verdicts
import WireBytes

/// FTP control: the server's 220 greeting or a client command, on port 21.
enum FTPDetector: ProtocolDetector {
    static let app = AppProtocol.ftp
    static let transports: [Transport] = [.tcp]
    static let commands: [StaticString] = ["USER ", "PASS ", "AUTH TLS", "SYST", "FEAT", "PASV", "EPSV", "RETR ", "STOR "]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        guard p.usesPort(21) else { return .excluded }
        let b = p.bytes
        if b.hasBytes("220", at: 0) || commands.contains(where: { b.hasBytes($0, at: 0) }) { return .detected(.ftp) }
        return .excluded
    }
}

/// AMQP 0-9-1 / 1.0: the protocol header `AMQP` plus version bytes.
enum AMQPDetector: ProtocolDetector {
    static let app = AppProtocol.amqp
    static let transports: [Transport] = [.tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        p.bytes.count >= 8 && p.bytes.hasBytes("AMQP", at: 0) && p.bytes[4] <= 3 ? .detected(.amqp) : .excluded
    }
}

/// SNMP v1/v2c/v3: a BER SEQUENCE holding an INTEGER version 0, 1 or 3.
enum SNMPDetector: ProtocolDetector {
    static let app = AppProtocol.snmp
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 8, b[0] == 0x30 else { return .excluded }
        var i = 1
        if b[1] & 0x80 != 0 { i += 1 + Int(b[1] & 0x7F) } else { i += 1 }
        guard i + 2 < b.count, b[i] == 0x02, b[i + 1] == 1 else { return .excluded }
        let version = b[i + 2]
        guard version <= 3, version != 2 else { return .excluded }
        return p.usesPort(161) || p.usesPort(162) || (version < 2 && i + 3 < b.count && b[i + 3] == 0x04) ? .detected(.snmp) : .excluded
    }
}

/// Syslog: `<PRI>` with PRI 0–191 at the start of a UDP datagram, or of a TCP
/// message (RFC 6587: octet counting `LEN <PRI>...`, or non-transparent framing).
enum SyslogDetector: ProtocolDetector {
    static let app = AppProtocol.syslog
    static let transports: [Transport] = [.udp, .tcp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        var b = p.bytes
        if p.transport == .tcp, b.count > 2, b[0] >= 0x31, b[0] <= 0x39 {
            // Octet counting: a decimal length and a space before the message.
            var i = 0
            while i < b.count, i < 6, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            guard i < b.count, b[i] == 0x20 else { return .excluded }
            b = UnsafeRawBufferPointer(rebasing: b[(i + 1)...])
        }
        guard b.count >= 4, b[0] == 0x3C else { return .excluded }
        var i = 1, pri = 0
        while i < b.count, i <= 4, b[i] >= 0x30, b[i] <= 0x39 { pri = pri * 10 + Int(b[i] - 0x30); i += 1 }
        guard i > 1, i < b.count, b[i] == 0x3E, pri <= 191 else { return .excluded }
        return p.usesPort(514) || b.count > 16 ? .detected(.syslog) : .excluded
    }
}

/// NetFlow v5/v9 and IPFIX export packets: the version and a header that holds up.
enum FlowExportDetector: ProtocolDetector {
    static let app = AppProtocol.netflow
    static let transports: [Transport] = [.udp]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 20 else { return .excluded }
        let version = Int(b[0]) << 8 | Int(b[1])
        let second = Int(b[2]) << 8 | Int(b[3])
        switch version {
        case 5: return second >= 1 && second <= 30 && b.count == 24 + 48 * second ? .detected(.netflow) : .excluded
        case 9:
            guard second <= 2048, b.count >= 24 else { return .excluded }
            let setID = Int(b[20]) << 8 | Int(b[21])
            let setLength = Int(b[22]) << 8 | Int(b[23])
            return (setID <= 1 || setID >= 256) && setLength >= 4 && 20 + setLength <= b.count ? .detected(.netflow) : .excluded
        case 10: return second == b.count && b.count >= 20 ? .detected(.ipfix) : .excluded
        default: return .excluded
        }
    }
}

/// EtherNet/IP encapsulation: a known command, a length matching the payload,
/// and the reserved/options field zero.
enum ENIPDetector: ProtocolDetector {
    static let app = AppProtocol.enip
    static let transports: [Transport] = [.tcp, .udp]
    static let commands: Set<UInt16> = [0x0001, 0x0004, 0x0063, 0x0064, 0x0065, 0x0066, 0x006F, 0x0070, 0x0072, 0x0073]

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        guard b.count >= 24 else { return .excluded }
        let command = UInt16(b[0]) | UInt16(b[1]) << 8
        let length = Int(b[2]) | Int(b[3]) << 8
        let options = UInt32(b[20]) | UInt32(b[21]) << 8 | UInt32(b[22]) << 16 | UInt32(b[23]) << 24
        guard commands.contains(command), options == 0, 24 + length == b.count else { return .excluded }
        return .detected(.enip)
    }
}
