import Verdicts
import WireBytes

/// MongoDB wire protocol: a 16-byte little-endian header (message length, request id,
/// the id answered, opcode) whose length frames the message, and a body that holds up
/// for its opcode: OP_MSG flag bits and a first section with a sane BSON document,
/// OP_QUERY and the legacy writes naming a `db.collection`, OP_COMPRESSED wrapping a
/// known opcode with a known compressor. Requests answer nothing; replies (OP_REPLY,
/// or OP_MSG answering a request) count only from the responder.
enum MongoDBDetector: ProtocolDetector {
    static let app = AppProtocol.mongodb
    static let transports: [Transport] = [.tcp]
    static let maxLength = 48_000_000

    static func inspect(_ p: PayloadView, _ f: inout DetectorFindings) -> DetectorVerdict {
        let b = p.bytes
        let n = b.count
        if n >= 4 {
            let length = Int(b.u32le(0))
            guard length >= 16, length <= maxLength else { return .excluded }
        }
        guard n >= 16 else { return .needMore }
        // Opcodes are 1 or 2001–2013: the top two bytes are zero.
        guard b[14] == 0, b[15] == 0, b[13] == 0 || b[13] == 0x07 else { return .excluded }
        let length = Int(b.u32le(0))
        let responseTo = b.u32le(8)
        let opCode = b.u32le(12)
        let framed = length <= n
        let answersNothing = responseTo == 0 || responseTo == 0xFFFF_FFFF

        let isRequest: Bool
        switch opCode {
        case 1: isRequest = false
        case 2013: isRequest = answersNothing
        case 2001, 2002, 2004, 2005, 2006, 2007, 2012:
            guard answersNothing else { return .excluded }
            isRequest = true
        default: return .excluded
        }
        guard let fits = body(b, opCode: opCode, length: length) else { return .needMore }
        guard fits else { return .excluded }

        if isRequest {
            if framed { return .detected(.mongodb) }
            // Longer than the stream bytes kept: it will never arrive whole here.
            return length > InspectionLimits.streamBytes ? .detected(.mongodb) : .needMore
        }
        guard !answersNothing else { return .excluded }
        // A reply from the initiator: a capture that began mid-flow (wait for a request),
        // or not this protocol when it does not even fit.
        if p.fromInitiator { return framed ? .needMore : .excluded }
        return framed ? .detected(.mongodb) : .needMore
    }

    /// Whether the body fits its opcode; nil when the bytes stop before that is decided.
    static func body(_ b: UnsafeRawBufferPointer, opCode: UInt32, length: Int) -> Bool? {
        let n = b.count
        switch opCode {
        case 1:  // OP_REPLY: flags, cursor id, starting from, number returned, documents
            guard length >= 36 else { return false }
            guard n >= 36 else { return nil }
            guard b.u32le(16) <= 0x0F else { return false }
            let returned = b.u32le(32)
            guard returned > 0 else { return length == 36 }
            guard n >= 40 else { return nil }
            let document = Int(b.u32le(36))
            return document >= 5 && 36 + document <= length
        case 2013:  // OP_MSG: flag bits, then a section of kind 0 (a document) or 1 (a sequence)
            guard length >= 26 else { return false }
            guard n >= 25 else { return nil }
            let flags = b.u32le(16)
            guard flags & ~0x0001_0003 == 0 else { return false }
            let room = length - 21 - (flags & 1 != 0 ? 4 : 0)
            let size = Int(b.u32le(21))
            switch b[20] {
            case 0:
                guard size >= 5, size <= room else { return false }
                guard size > 5 else { return true }
                guard n >= 26 else { return nil }
                return isElementType(b[25])
            case 1:
                guard size >= 6, size <= room else { return false }
                guard n >= 26 else { return nil }
                return b[25] > 0x20 && b[25] < 0x7F
            default:
                return false
            }
        case 2004:  // OP_QUERY: flags (bit 0 reserved), collection name
            guard n >= 20 else { return nil }
            guard b.u32le(16) & ~0xFE == 0 else { return false }
            return namespace(b, at: 20, length: length)
        case 2002:  // OP_INSERT: flags (bit 0 only), collection name
            guard n >= 20 else { return nil }
            guard b.u32le(16) <= 1 else { return false }
            return namespace(b, at: 20, length: length)
        case 2001, 2005, 2006:  // OP_UPDATE, OP_GET_MORE, OP_DELETE: zero, collection name
            guard n >= 20 else { return nil }
            guard b.u32le(16) == 0 else { return false }
            return namespace(b, at: 20, length: length)
        case 2007:  // OP_KILL_CURSORS: zero, count, that many 8-byte cursor ids
            guard n >= 24 else { return nil }
            let count = Int(b.u32le(20))
            return b.u32le(16) == 0 && count >= 1 && count <= 1 << 20 && length == 24 + 8 * count
        case 2012:  // OP_COMPRESSED: original opcode, uncompressed size, compressor id
            guard length >= 25 else { return false }
            guard n >= 25 else { return nil }
            let original = b.u32le(16)
            let known = original == 1 || original == 2013 || (original >= 2001 && original <= 2007 && original != 2003)
            let size = b.u32le(20)
            return known && size > 0 && size <= UInt32(maxLength) && b[24] <= 3
        default:
            return false
        }
    }

    /// A printable `db.collection` name, NUL-terminated inside the message.
    static func namespace(_ b: UnsafeRawBufferPointer, at offset: Int, length: Int) -> Bool? {
        let limit = min(b.count, length)
        var i = offset
        var dot = false
        while i < limit {
            let c = b[i]
            if c == 0 { return dot && i - offset >= 3 }
            guard c > 0x20, c < 0x7F, i - offset < 256 else { return false }
            if c == 0x2E { dot = true }
            i += 1
        }
        return limit < length ? nil : false
    }

    /// BSON element types.
    static func isElementType(_ t: UInt8) -> Bool {
        (t >= 0x01 && t <= 0x13) || t == 0x7F || t == 0xFF
    }
}
