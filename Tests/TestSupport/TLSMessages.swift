/// A TLS 1.3-style ClientHello with SNI, ALPN and supported_versions.
public func clientHello(sni: String?, alpn: [String] = ["h2"], split: Int? = nil) -> [UInt8] {
    func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    var ext: [UInt8] = []
    if let sni {
        let name = Array(sni.utf8)
        let entry = [0] + u16(name.count) + name
        let list = u16(entry.count) + entry
        ext += u16(0) + u16(list.count) + list
    }
    if !alpn.isEmpty {
        var l: [UInt8] = []
        for p in alpn { l += [UInt8(p.utf8.count)] + Array(p.utf8) }
        let body = u16(l.count) + l
        ext += u16(16) + u16(body.count) + body
    }
    ext += u16(43) + u16(5) + [4, 0x0A, 0x0A, 0x03, 0x04]   // GREASE, TLS 1.3
    var body: [UInt8] = [3, 3] + [UInt8](repeating: 7, count: 32) + [0] + u16(4) + [0x13, 0x01, 0x13, 0x02] + [1, 0]
    body += u16(ext.count) + ext
    let hs: [UInt8] = [1, UInt8(body.count >> 16), UInt8(body.count >> 8 & 0xFF), UInt8(body.count & 0xFF)] + body
    guard let split else { return [22, 3, 1] + u16(hs.count) + hs }
    let a = Array(hs[..<split]), b = Array(hs[split...])
    return [22, 3, 1] + u16(a.count) + a + [22, 3, 1] + u16(b.count) + b
}
