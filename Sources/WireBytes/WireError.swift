/// The layer of a capture or packet at which decoding stopped.
public enum WireLayer: String, Sendable, Equatable {
    case file, pcapHeader, pcapRecord, pcapngBlock, lz4, gzip, zstd
    case ethernet, vlan, sll, sll2, null, ppp, pppoe, chdlc
    case ipv4, ipv6, ipv6Extension, tcp, udp, icmp, icmp6
    case netflow
}

/// Why bytes could not be decoded: too few of them (`truncated`), or the wrong ones (`malformed`).
///
/// Kept allocation-free (`StaticString` reasons) so that the packet path can throw and
/// count errors without touching the heap; rendering to text happens in reporting.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// `needed` bytes were required at `offset`, only `available` were there.
        case truncated(needed: Int, available: Int)
        /// The bytes are there but say something impossible.
        case malformed(StaticString)
        /// A well-formed value that this reader does not support.
        case unsupported(StaticString)

        public static func == (a: Kind, b: Kind) -> Bool {
            switch (a, b) {
            case let (.truncated(n1, a1), .truncated(n2, a2)): return n1 == n2 && a1 == a2
            case let (.malformed(r1), .malformed(r2)): return r1.description == r2.description
            case let (.unsupported(r1), .unsupported(r2)): return r1.description == r2.description
            default: return false
            }
        }
    }

    public var layer: WireLayer
    public var kind: Kind
    /// Byte offset where the failing structure starts: in the file for capture layers,
    /// in the frame for packet layers.
    public var offset: Int

    @inlinable
    public init(_ layer: WireLayer, _ kind: Kind, at offset: Int) {
        self.layer = layer
        self.kind = kind
        self.offset = offset
    }

    @inline(never)
    public static func truncated(_ layer: WireLayer, needed: Int, available: Int, at offset: Int) -> WireError {
        WireError(layer, .truncated(needed: needed, available: available), at: offset)
    }

    @inline(never)
    public static func malformed(_ layer: WireLayer, _ why: StaticString, at offset: Int) -> WireError {
        WireError(layer, .malformed(why), at: offset)
    }

    @inline(never)
    public static func unsupported(_ layer: WireLayer, _ why: StaticString, at offset: Int) -> WireError {
        WireError(layer, .unsupported(why), at: offset)
    }

    public var isTruncation: Bool {
        if case .truncated = kind { return true }
        return false
    }

    public var description: String {
        switch kind {
        case let .truncated(needed, available):
            return "\(layer.rawValue): truncated at byte \(offset): needed \(needed) bytes, \(available) present"
        case let .malformed(why):
            return "\(layer.rawValue): malformed at byte \(offset): \(why)"
        case let .unsupported(why):
            return "\(layer.rawValue): unsupported at byte \(offset): \(why)"
        }
    }
}
