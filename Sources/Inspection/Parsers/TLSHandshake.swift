/// A TLS (or DTLS) ClientHello's names: SNI, ALPN, and the versions it offers.
public struct ClientHelloInfo: Sendable, Equatable {
    public var serverName: String?
    public var alpn: [String] = []
    /// The highest version offered (supported_versions when present, else the legacy field).
    public var version: UInt16 = 0
    public var hasEncryptedClientHello = false

    public init() {}
}

/// TLS record layer and ClientHello (RFC 8446 §4.1.2, RFC 6066 §3 SNI, RFC 7301 ALPN),
/// also DTLS 1.0/1.2/1.3 handshakes (RFC 6347, RFC 9147). Bounded: the ClientHello's
/// own lengths are checked against each other and `maxHandshake`.
public enum TLSHandshake {
    public static let recordHeader = 5
    public static let maxHandshake = 64 * 1024
    static let contentHandshake: UInt8 = 22
    static let clientHello: UInt8 = 1
    static let extServerName: UInt16 = 0
    static let extALPN: UInt16 = 16
    static let extSupportedVersions: UInt16 = 43
    static let extEncryptedClientHello: UInt16 = 0xFE0D

    /// Whether `b` starts like a TLS record carrying a handshake (cheap check).
    public static func looksLikeHandshakeRecord(_ b: UnsafeRawBufferPointer) -> Bool {
        b.count >= 3 && b[0] == contentHandshake && b[1] == 3 && b[2] <= 4
    }

    /// Parses the ClientHello at the start of a TLS byte stream, across as many records
    /// as it spans; `.incomplete` says how many stream bytes it needs.
    public static func parseClientHello(stream b: UnsafeRawBufferPointer) -> ParseResult<ClientHelloInfo> {
        guard b.count >= recordHeader else { return b.count > 0 && b[0] != contentHandshake ? .invalid : .incomplete(needed: recordHeader) }
        guard looksLikeHandshakeRecord(b) else { return .invalid }
        // Common case: the whole ClientHello in the first record, parsed in place.
        let firstLength = Int(b[3]) << 8 | Int(b[4])
        if b.count >= recordHeader + 4, b[recordHeader] == clientHello {
            let hsLength = Int(b[6]) << 16 | Int(b[7]) << 8 | Int(b[8])
            if hsLength + 4 <= firstLength {
                guard b.count >= recordHeader + 4 + hsLength else { return .incomplete(needed: recordHeader + 4 + hsLength) }
                guard let info = parseClientHelloBody(Cursor(b, from: recordHeader + 4, end: recordHeader + 4 + hsLength), dtls: false) else { return .invalid }
                return .complete(info, consumed: recordHeader + firstLength)
            }
        }
        // Gather the handshake message's bytes from consecutive handshake records.
        var handshake: [UInt8] = []
        var offset = 0
        var needed = 4
        while handshake.count < needed {
            guard b.count - offset >= recordHeader else { return .incomplete(needed: offset + recordHeader) }
            guard b[offset] == contentHandshake, b[offset + 1] == 3 else { return .invalid }
            let length = Int(b[offset + 3]) << 8 | Int(b[offset + 4])
            guard length > 0, length <= 16384 + 2048 else { return .invalid }
            let start = offset + recordHeader
            let available = min(length, b.count - start)
            handshake.append(contentsOf: UnsafeRawBufferPointer(rebasing: b[start ..< start + available]))
            if handshake.count >= 4, needed == 4 {
                guard handshake[0] == clientHello else { return .invalid }
                needed = 4 + (Int(handshake[1]) << 16 | Int(handshake[2]) << 8 | Int(handshake[3]))
                guard needed <= maxHandshake else { return .invalid }
            }
            if available < length {
                if handshake.count >= needed { break }
                return .incomplete(needed: start + length)
            }
            offset = start + length
        }
        let consumed = offset
        return handshake.withUnsafeBytes { h in
            guard let info = parseClientHelloBody(Cursor(h, from: 4, end: needed), dtls: false) else { return .invalid }
            return .complete(info, consumed: consumed)
        }
    }

    /// Parses a DTLS datagram's first record when it holds a whole ClientHello fragment.
    public static func parseDTLSClientHello(datagram b: UnsafeRawBufferPointer) -> ParseResult<ClientHelloInfo> {
        // DTLS record: type, version (0xFEFF/0xFEFD/0xFEFC), epoch 2, sequence 6, length 2.
        var c = Cursor(b)
        guard let type = c.u8(), type == contentHandshake, let major = c.u8(), major == 0xFE, c.skip(1 + 8),
              let length = c.u16(), var record = c.sub(Int(length)) else { return .invalid }
        // Handshake header: type, length 3, message_seq 2, fragment_offset 3, fragment_length 3.
        guard let hsType = record.u8(), hsType == clientHello, let total = record.u24(), record.skip(2),
              let fragmentOffset = record.u24(), let fragmentLength = record.u24() else { return .invalid }
        guard fragmentOffset == 0, fragmentLength == total, let body = record.sub(fragmentLength) else {
            return .incomplete(needed: b.count + 1)
        }
        guard let info = parseClientHelloBody(body, dtls: true) else { return .invalid }
        return .complete(info, consumed: c.offset)
    }

    /// The ClientHello body after the 4-byte handshake header (RFC 8446 §4.1.2).
    static func parseClientHelloBody(_ body: Cursor, dtls: Bool) -> ClientHelloInfo? {
        var c = body
        var info = ClientHelloInfo()
        guard let legacyVersion = c.u16(), c.skip(32),                      // random
              let sessionLength = c.u8(), c.skip(Int(sessionLength)) else { return nil }
        info.version = legacyVersion
        if dtls {
            guard let cookieLength = c.u8(), c.skip(Int(cookieLength)) else { return nil }
        }
        guard let suitesLength = c.u16(), c.skip(Int(suitesLength)),
              let compressionLength = c.u8(), c.skip(Int(compressionLength)) else { return nil }
        guard c.remaining >= 2, let extensionsLength = c.u16(), var extensions = c.sub(Int(extensionsLength)) else {
            return info  // no extensions (old clients): still a ClientHello
        }
        while extensions.remaining >= 4 {
            guard let type = extensions.u16(), let length = extensions.u16(), var ext = extensions.sub(Int(length)) else { return nil }
            switch type {
            case extServerName:
                // server_name_list: length 2, then (type 1, length 2, name)+; host_name is type 0.
                guard let listLength = ext.u16(), var list = ext.sub(Int(listLength)) else { return nil }
                while list.remaining >= 3 {
                    guard let nameType = list.u8(), let nameLength = list.u16(), let name = list.string(Int(nameLength)) else { return nil }
                    if nameType == 0, info.serverName == nil, !name.isEmpty { info.serverName = name }
                }
            case extALPN:
                guard let listLength = ext.u16(), var list = ext.sub(Int(listLength)) else { return nil }
                while list.remaining >= 1 {
                    guard let n = list.u8(), let proto = list.string(Int(n)) else { return nil }
                    info.alpn.append(proto)
                }
            case extSupportedVersions:
                guard let n = ext.u8(), var list = ext.sub(Int(n)) else { return nil }
                while let v = list.u16() {
                    // Skip GREASE values (0x?A?A) when picking the highest version.
                    if v & 0x0F0F != 0x0A0A, (dtls ? v < info.version || info.version & 0xFF00 != 0xFE00 : v > info.version) {
                        info.version = v
                    }
                }
            case extEncryptedClientHello:
                info.hasEncryptedClientHello = true
            default: break
            }
        }
        return info
    }
}
