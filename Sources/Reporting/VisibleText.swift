/// Makes invisible and control characters visible as `[U+XXXX]`. Names in a capture are
/// chosen by whoever sent the packets: on a terminal an ESC starts an escape sequence
/// (colours, the window title, cursor moves), a newline starts a line that looks like
/// the report's own, and bidi overrides make a name read as another.
public enum VisibleText {
    static func isInvisibleControl(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x00 ... 0x1F, 0x7F ... 0x9F: return true
        case 0x200B ... 0x200F, 0x202A ... 0x202E, 0x2060 ... 0x2069, 0xFEFF: return true
        default: return false
        }
    }

    static func hex(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    /// `s` for a terminal line: every control, tab and newline included, made visible.
    public static func escape(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isInvisibleControl) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for u in s.unicodeScalars {
            if isInvisibleControl(u) { out += "[U+" + hex(u.value) + "]" } else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
