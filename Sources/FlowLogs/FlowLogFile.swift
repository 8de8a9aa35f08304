import WireBytes

/// Raw flow-log files: concatenated export messages (RFC 5655 IPFIX files, or NetFlow
/// v5/v9 messages one after another).
public enum FlowLogFile {
    /// Whether a file starts like a flow-log stream.
    public static func sniff(_ b: UnsafeRawBufferPointer) -> UInt16? {
        guard b.count >= 4 else { return nil }
        let v = b.u16be(0)
        switch v {
        case 10: return Int(b.u16be(2)) >= 16 && Int(b.u16be(2)) <= b.count ? 10 : nil
        case 5: let n = Int(b.u16be(2)); return n >= 1 && n <= 30 && b.count >= 24 + 48 * n ? 5 : nil
        case 9: return b.count >= 24 && Int(b.u16be(2)) <= 4096 ? 9 : nil
        default: return nil
        }
    }

    /// Message ranges in order. IPFIX and v5 messages carry their length; a v9 message
    /// runs until the next plausible v9 header after its flowsets.
    public static func messages(_ b: UnsafeRawBufferPointer) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var o = 0
        while b.count - o >= 4 {
            let v = b.u16be(o)
            var length = 0
            switch v {
            case 10: length = Int(b.u16be(o + 2))
            case 5: length = 24 + 48 * Int(b.u16be(o + 2))
            case 9:
                var s = o + 20
                while b.count - s >= 4 {
                    let id = b.u16be(s), l = Int(b.u16be(s + 2))
                    if id == 9, l <= 4096 { break }  // the next message's header
                    guard l >= 4 else { break }
                    s += l
                }
                length = min(s, b.count) - o
            default: length = 0
            }
            guard length >= 16, o + length <= b.count else { break }
            out.append(o ..< o + length)
            o += length
        }
        return out
    }
}
