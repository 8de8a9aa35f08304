import WireBytes

/// One answer of a DNS response that names an address or another name.
public struct DNSAnswer: Sendable, Equatable {
    public enum Data: Sendable, Equatable {
        case address(IPAddress)
        case name(String)   // CNAME target
    }
    public var owner: String
    public var data: Data

    public init(owner: String, data: Data) {
        self.owner = owner
        self.data = data
    }
}

public struct DNSMessageInfo: Sendable, Equatable {
    public var id: UInt16 = 0
    public var isResponse = false
    public var responseCode: UInt8 = 0
    public var question: String?
    public var questionType: UInt16 = 0
    public var answers: [DNSAnswer] = []
}

/// DNS messages (RFC 1035 §4) over UDP, or TCP with the 2-byte length prefix:
/// the question, and A/AAAA/CNAME answers. Name compression is followed with a hard
/// limit on pointer hops, so a pointer loop ends the parse instead of the process.
public enum DNSMessage {
    public static let headerLength = 12
    public static let maxPointerHops = 16
    public static let maxNameLength = 255
    public static let maxRecords = 64
    static let typeA: UInt16 = 1, typeCNAME: UInt16 = 5, typeAAAA: UInt16 = 28
    static let classIN: UInt16 = 1

    /// Cheap plausibility check of a DNS header (used by the detector).
    public static func looksLikeDNS(_ b: UnsafeRawBufferPointer) -> Bool {
        guard b.count >= headerLength else { return false }
        let flags = UInt16(b[2]) << 8 | UInt16(b[3])
        let opcode = (flags >> 11) & 0xF
        let qd = UInt16(b[4]) << 8 | UInt16(b[5])
        let an = UInt16(b[6]) << 8 | UInt16(b[7])
        let ns = UInt16(b[8]) << 8 | UInt16(b[9])
        let ar = UInt16(b[10]) << 8 | UInt16(b[11])
        // Z bit clear, a standard or notify/update opcode, one question as is usual.
        return flags & 0x0040 == 0 && (opcode == 0 || opcode == 4 || opcode == 5) && qd == 1
            && an <= 256 && ns <= 256 && ar <= 256
    }

    public static func parse(_ b: UnsafeRawBufferPointer) -> DNSMessageInfo? {
        guard b.count >= headerLength else { return nil }
        var c = Cursor(b)
        var info = DNSMessageInfo()
        guard let id = c.u16(), let flags = c.u16(), let qd = c.u16(), let an = c.u16(), c.skip(4) else { return nil }
        info.id = id
        info.isResponse = flags & 0x8000 != 0
        info.responseCode = UInt8(flags & 0xF)
        for i in 0 ..< Int(min(qd, 4)) {
            guard let name = readName(b, &c), let type = c.u16(), c.skip(2) else { return nil }
            if i == 0 { info.question = name; info.questionType = type }
        }
        for _ in 0 ..< Int(min(an, UInt16(maxRecords))) {
            guard let owner = readName(b, &c), let type = c.u16(), let klass = c.u16(), c.skip(4),
                  let length = c.u16(), var rdata = c.sub(Int(length)) else { break }
            guard klass == classIN else { continue }
            switch type {
            case typeA where length == 4:
                info.answers.append(DNSAnswer(owner: owner, data: .address(IPAddress(v4At: rdata.offset, in: b))))
            case typeAAAA where length == 16:
                info.answers.append(DNSAnswer(owner: owner, data: .address(IPAddress(v6At: rdata.offset, in: b))))
            case typeCNAME:
                if let target = readName(b, &rdata) { info.answers.append(DNSAnswer(owner: owner, data: .name(target))) }
            default: break
            }
        }
        return info
    }

    /// Reads a possibly compressed name at the cursor, leaving the cursor after it.
    static func readName(_ b: UnsafeRawBufferPointer, _ c: inout Cursor) -> String? {
        var labels: [UInt8] = []
        var position = c.offset
        var jumped = false
        var hops = 0
        while true {
            guard position < b.count else { return nil }
            let length = Int(b[position])
            if length == 0 {
                if !jumped { c.offset = position + 1 }
                break
            }
            switch length & 0xC0 {
            case 0xC0:
                guard position + 1 < b.count else { return nil }
                hops += 1
                guard hops <= maxPointerHops else { return nil }
                let target = (length & 0x3F) << 8 | Int(b[position + 1])
                if !jumped { c.offset = position + 2 }
                jumped = true
                position = target
            case 0x00:
                guard position + 1 + length <= b.count else { return nil }
                if !labels.isEmpty { labels.append(UInt8(ascii: ".")) }
                for i in 0 ..< length {
                    var ch = b[position + 1 + i]
                    if ch >= 0x41, ch <= 0x5A { ch += 0x20 }  // names compare case-insensitively
                    labels.append(ch)
                }
                guard labels.count <= maxNameLength else { return nil }
                position += 1 + length
            default:
                return nil  // 0x40 / 0x80: extended label types, not used
            }
        }
        return String(decoding: labels, as: UTF8.self)
    }
}
