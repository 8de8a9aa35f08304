import WireBytes

extension PacketDecoder {
    enum IPv4 {
        static let minimumHeader = 20
        static let totalLength = 2, identification = 4, flagsFragment = 6, ttl = 8, proto = 9
        static let source = 12, destination = 16
        static let moreFragments: UInt16 = 0x2000
        static let offsetMask: UInt16 = 0x1FFF
    }

    enum IPv6 {
        static let header = 40
        static let payloadLength = 4, nextHeader = 6, hopLimit = 7, source = 8, destination = 24
        static let jumboOption: UInt8 = 0xC2
    }

    /// IPv4 (RFC 791): IHL checked, options skipped, fragments marked; a non-first
    /// fragment has no transport header.
    static func decodeIPv4(_ f: UnsafeRawBufferPointer, at o: Int, into p: inout DecodedPacket) {
        p.ipOffset = o
        guard f.count - o >= IPv4.minimumHeader else {
            p.stop = .truncated(.ipv4, needed: IPv4.minimumHeader, available: max(0, f.count - o), at: o)
            return
        }
        let versionIHL = f[o]
        guard versionIHL >> 4 == 4 else {
            p.stop = .malformed(.ipv4, "version is not 4", at: o)
            return
        }
        let headerLength = Int(versionIHL & 0x0F) * 4
        guard headerLength >= IPv4.minimumHeader else {
            p.stop = .malformed(.ipv4, "header length below 20 bytes", at: o)
            return
        }
        guard f.count - o >= headerLength else {
            p.stop = .truncated(.ipv4, needed: headerLength, available: f.count - o, at: o)
            return
        }
        p.network = .ipv4
        p.source = IPAddress(v4At: o + IPv4.source, in: f)
        p.destination = IPAddress(v4At: o + IPv4.destination, in: f)
        p.ipProtocol = f[o + IPv4.proto]
        p.hopLimit = f[o + IPv4.ttl]
        var total = Int(f.u16be(o + IPv4.totalLength))
        if total == 0 {
            // TCP segmentation offload captures show 0: take what was captured.
            total = f.count - o
        }
        guard total >= headerLength else {
            p.ipLength = total
            p.stop = .malformed(.ipv4, "total length smaller than the header", at: o + IPv4.totalLength)
            return
        }
        p.ipLength = total
        let flags = f.u16be(o + IPv4.flagsFragment)
        let fragmentOffset = Int(flags & IPv4.offsetMask) * 8
        if fragmentOffset != 0 || flags & IPv4.moreFragments != 0 {
            p.fragment.isFragment = true
            p.fragment.offset = fragmentOffset
            p.fragment.moreFragments = flags & IPv4.moreFragments != 0
            p.fragment.identification = UInt32(f.u16be(o + IPv4.identification))
        }
        let end = min(f.count, o + total)
        if fragmentOffset != 0 {
            // Later fragments carry payload only: no ports here (reassembly adds them).
            p.payloadOffset = o + headerLength
            p.payloadLength = max(0, end - p.payloadOffset)
            return
        }
        decodeTransport(p.ipProtocol, f, at: o + headerLength, end: end, into: &p)
    }

    /// IPv6 (RFC 8200) and its extension-header chain: hop-by-hop (jumbo payload),
    /// routing, fragment, destination options, AH; ESP and no-next-header end it.
    static func decodeIPv6(_ f: UnsafeRawBufferPointer, at o: Int, into p: inout DecodedPacket) {
        p.ipOffset = o
        guard f.count - o >= IPv6.header else {
            p.stop = .truncated(.ipv6, needed: IPv6.header, available: max(0, f.count - o), at: o)
            return
        }
        guard f[o] >> 4 == 6 else {
            p.stop = .malformed(.ipv6, "version is not 6", at: o)
            return
        }
        p.network = .ipv6
        p.source = IPAddress(v6At: o + IPv6.source, in: f)
        p.destination = IPAddress(v6At: o + IPv6.destination, in: f)
        p.hopLimit = f[o + IPv6.hopLimit]
        let payloadLength = Int(f.u16be(o + IPv6.payloadLength))
        var next = f[o + IPv6.nextHeader]
        var offset = o + IPv6.header
        p.ipLength = IPv6.header + payloadLength
        var jumbo = payloadLength == 0
        if payloadLength == 0, next != IPProtocolNumber.hopByHop {
            // Zero payload length without a jumbo option: an empty packet, or TSO.
            jumbo = false
            p.ipLength = f.count - o
        }
        var headers = 0
        while true {
            switch next {
            case IPProtocolNumber.hopByHop, IPProtocolNumber.routing, IPProtocolNumber.destinationOptions,
                 IPProtocolNumber.mobility:
                guard headers < PacketLimits.maxExtensionHeaders else {
                    p.stop = .malformed(.ipv6Extension, "extension header chain longer than any sender writes", at: offset)
                    return
                }
                guard f.count - offset >= 8 else {
                    p.stop = .truncated(.ipv6Extension, needed: 8, available: max(0, f.count - offset), at: offset)
                    return
                }
                let length = (Int(f[offset + 1]) + 1) * 8
                guard f.count - offset >= length else {
                    p.stop = .truncated(.ipv6Extension, needed: length, available: f.count - offset, at: offset)
                    return
                }
                if next == IPProtocolNumber.hopByHop, jumbo, let j = jumboLength(f, offset + 2, offset + length) {
                    p.ipLength = IPv6.header + j
                }
                next = f[offset]
                offset += length
                headers += 1
            case IPProtocolNumber.fragment:
                guard f.count - offset >= 8 else {
                    p.stop = .truncated(.ipv6Extension, needed: 8, available: max(0, f.count - offset), at: offset)
                    return
                }
                let field = f.u16be(offset + 2)
                p.fragment.isFragment = true
                p.fragment.offset = Int(field & 0xFFF8)
                p.fragment.moreFragments = field & 1 != 0
                p.fragment.identification = f.u32be(offset + 4)
                next = f[offset]
                offset += 8
                headers += 1
                if p.fragment.offset != 0 {
                    p.ipProtocol = next
                    p.payloadOffset = offset
                    p.payloadLength = max(0, min(f.count, o + p.ipLength) - offset)
                    return
                }
            case IPProtocolNumber.ah:
                guard f.count - offset >= 8 else {
                    p.stop = .truncated(.ipv6Extension, needed: 8, available: max(0, f.count - offset), at: offset)
                    return
                }
                let length = (Int(f[offset + 1]) + 2) * 4
                guard f.count - offset >= length else {
                    p.stop = .truncated(.ipv6Extension, needed: length, available: f.count - offset, at: offset)
                    return
                }
                next = f[offset]
                offset += length
                headers += 1
            default:
                p.ipProtocol = next
                decodeTransport(next, f, at: offset, end: min(f.count, o + p.ipLength), into: &p)
                return
            }
        }
    }

    /// The jumbo payload option (RFC 2675) in a hop-by-hop header's options.
    static func jumboLength(_ f: UnsafeRawBufferPointer, _ start: Int, _ end: Int) -> Int? {
        var i = start
        while i < end {
            let type = f[i]
            if type == 0 { i += 1; continue }  // Pad1
            guard i + 1 < end else { return nil }
            let length = Int(f[i + 1])
            if type == IPv6.jumboOption, length == 4, i + 6 <= end { return Int(f.u32be(i + 2)) }
            i += 2 + length
        }
        return nil
    }
}
