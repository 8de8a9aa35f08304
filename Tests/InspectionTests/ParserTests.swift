@testable import Inspection
import Testing
import TestSupport
import WireBytes

@Suite struct TLSTests {
    @Test func sniAlpnVersion() {
        let ch = clientHello(sni: "mqtt.example.de")
        let r = ch.withUnsafeBytes { TLSHandshake.parseClientHello(stream: $0) }
        #expect(r.value?.serverName == "mqtt.example.de")
        #expect(r.value?.alpn == ["h2"])
        #expect(r.value?.version == 0x0304)
    }

    @Test func clientHelloAcrossRecordsAndSegments() {
        let ch = clientHello(sni: "ota.example.com", split: 20)
        let whole = ch.withUnsafeBytes { TLSHandshake.parseClientHello(stream: $0) }
        #expect(whole.value?.serverName == "ota.example.com")
        // Every prefix is either incomplete (asking for more than it has) or complete.
        for cut in 0 ..< ch.count {
            let r = Array(ch.prefix(cut)).withUnsafeBytes { TLSHandshake.parseClientHello(stream: $0) }
            guard case let .incomplete(needed) = r else { Issue.record("cut \(cut): \(r)"); continue }
            #expect(needed > cut)
        }
    }

    @Test func notTLS() {
        let r = Array("GET / HTTP/1.1\r\n".utf8).withUnsafeBytes { TLSHandshake.parseClientHello(stream: $0) }
        guard case .invalid = r else { Issue.record("\(r)"); return }
    }

    @Test func mutationsNeverCrash() {
        let seed = clientHello(sni: "a.example.org", alpn: ["mqtt", "x"], split: 50)
        var rng: UInt64 = 99
        for _ in 0 ..< 3000 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            var m = seed
            let i = Int(rng >> 33) % m.count
            if rng & 1 == 0 { m[i] = UInt8(truncatingIfNeeded: rng >> 20) } else { m[i] = 0xFF; if i + 1 < m.count { m[i + 1] = 0xFF } }
            _ = m.withUnsafeBytes { TLSHandshake.parseClientHello(stream: $0) }
            _ = m.withUnsafeBytes { TLSHandshake.parseDTLSClientHello(datagram: $0) }
        }
    }
}

@Suite struct DNSTests {
    /// A response: question ota.example.com A, answers CNAME -> cdn.example.net, A 203.0.113.5.
    static let response: [UInt8] = {
        var m: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0]
        m += [3] + Array("ota".utf8) + [7] + Array("Example".utf8) + [3] + Array("com".utf8) + [0, 0, 1, 0, 1]
        // CNAME: owner = pointer to offset 12; target cdn.example.net
        let target: [UInt8] = [3] + Array("cdn".utf8) + [7] + Array("example".utf8) + [3] + Array("net".utf8) + [0]
        m += [0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, UInt8(target.count)] + target
        let cdnOffset = 12 + 21 + 12
        m += [0xC0, UInt8(cdnOffset), 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 203, 0, 113, 5]
        return m
    }()

    @Test func questionAndAnswers() throws {
        let info = try #require(Self.response.withUnsafeBytes { DNSMessage.parse($0) })
        #expect(info.isResponse && info.id == 0x1234)
        #expect(info.question == "ota.example.com")
        #expect(info.answers == [
            DNSAnswer(owner: "ota.example.com", data: .name("cdn.example.net")),
            DNSAnswer(owner: "cdn.example.net", data: .address(IPAddress("203.0.113.5")!)),
        ])
        #expect(Self.response.withUnsafeBytes { DNSMessage.looksLikeDNS($0) })
    }

    @Test func compressionLoopEndsTheParse() {
        // The question name points at itself.
        let m: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1]
        #expect(m.withUnsafeBytes { DNSMessage.parse($0) } == nil)
    }

    @Test func mutationsNeverCrash() {
        var rng: UInt64 = 5
        for _ in 0 ..< 5000 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            var m = Self.response
            let i = Int(rng >> 33) % m.count
            m[i] = UInt8(truncatingIfNeeded: rng >> 17)
            if rng & 4 == 0 { m = Array(m.prefix(Int(rng >> 40) % m.count)) }
            _ = m.withUnsafeBytes { DNSMessage.parse($0) }
        }
    }
}

@Suite struct HTTPTests {
    @Test func requestHeaders() {
        let req = Array("GET /firmware/v2.3.bin HTTP/1.1\r\nHost: fw.example.com\r\nUser-Agent: plc/1.0\r\nAccept: */*\r\n\r\n".utf8)
        let r = req.withUnsafeBytes { HTTPMessage.parseRequest($0) }
        #expect(r.value == HTTPRequestInfo(method: "GET", target: "/firmware/v2.3.bin", version: "HTTP/1.1",
                                           host: "fw.example.com", userAgent: "plc/1.0"))
        // Split before the blank line: incomplete, but a partial parse keeps whole lines.
        let cut = Array(req.prefix(60))
        guard case .incomplete = cut.withUnsafeBytes({ HTTPMessage.parseRequest($0) }) else { Issue.record("expected incomplete"); return }
        #expect(cut.withUnsafeBytes { HTTPMessage.parseRequest($0, partial: true) }.value?.host == "fw.example.com")
    }

    /// The Host header's name without its port; an IPv6 literal without its brackets.
    @Test func hostWithoutPort() {
        guard let http = Detectors.all.first(where: { $0.app == .http }) else { Issue.record("no HTTP detector"); return }
        for (host, want) in [("fw.example.com", "fw.example.com"), ("fw.example.com:8080", "fw.example.com"),
                             ("[2001:db8::1]:8443", "2001:db8::1"), ("[2001:db8::1]", "2001:db8::1"),
                             ("2001:db8::1", "2001:db8::1"), ("[", ""), ("h\u{e9}te.example:80", "h\u{e9}te.example")] {
            let req = Array("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8)
            var findings = DetectorFindings()
            req.withUnsafeBytes { b in
                _ = http.inspect(PayloadView(bytes: b, transport: .tcp, fromInitiator: true, sourcePort: 40000,
                                             destinationPort: 80, index: 0, reassembled: false), &findings)
            }
            #expect(findings.hostname == want, "\(host)")
        }
    }

    @Test func response() {
        let resp = Array("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 1048576\r\n\r\nXXXX".utf8)
        let r = resp.withUnsafeBytes { HTTPMessage.parseResponse($0) }
        #expect(r.value?.status == 200 && r.value?.contentLength == 1_048_576 && r.value?.contentType == "application/octet-stream")
    }
}

@Suite struct QUICInitialTests {
    /// PADDING, PADDING, CRYPTO(offset 0, 4 bytes), PADDING. (Decryption itself is
    /// checked on real Initials: the nDPI comparison's quic-v2, quic-29 and dlt_ppp.)
    @Test func cryptoFramesAmongPadding() {
        let frame: [UInt8] = [0x00, 0x00, 0x06, 0x00, 0x04, 1, 0, 0, 0] + [0x00]
        let chunks = frame.withUnsafeBytes { QUICInitial.frames($0) }
        #expect(chunks == [QUICInitial.CryptoChunk(offset: 0, data: [1, 0, 0, 0])])
    }

    @Test func mutatedInitialsNeverCrash() {
        var rng: UInt64 = 23
        var packet: [UInt8] = [0xC3, 0, 0, 0, 1, 8] + [UInt8](repeating: 0x83, count: 8) + [0, 0, 0x44, 0x9E] + [UInt8](repeating: 0x5A, count: 1200)
        for _ in 0 ..< 500 {
            rng = rng &* 6364136223846793005 &+ 1442695040888963407
            packet[Int(rng >> 33) % 24] = UInt8(truncatingIfNeeded: rng >> 17)
            let cut = Array(packet.prefix(Int(rng >> 40) % packet.count))
            _ = cut.withUnsafeBytes { QUICInitial.cryptoData($0) }
            _ = packet.withUnsafeBytes { QUICInitial.cryptoData($0) }
            _ = cut.withUnsafeBytes { QUICInitial.frames($0) }
        }
    }
}

/// QUIC Initial key derivation and header protection against RFC 9001 Appendix A
/// (client DCID 0x8394c8f03e515708): the libcrypto primitives give the RFC's values.
@Suite struct InitialCryptoTests {
    static func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i ..< j], radix: 16)!)
            i = j
        }
        return out
    }

    @Test func keysAndMaskAreTheRFCs() {
        let dcid = Self.hex("8394c8f03e515708")
        let initial = InitialCrypto.extract(salt: QUICInitial.saltV1, inputKeyMaterial: dcid)
        let client = InitialCrypto.expandLabel(initial, "client in", 32)
        #expect(client == Self.hex("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea"))
        #expect(InitialCrypto.expandLabel(client, "quic key", 16) == Self.hex("1f369613dd76d5467730efcbe3b1a22d"))
        #expect(InitialCrypto.expandLabel(client, "quic iv", 12) == Self.hex("fa044b2f42a3fd3b46fb255c"))
        let hp = InitialCrypto.expandLabel(client, "quic hp", 16)
        #expect(hp == Self.hex("9f50449e04a0e810283a1e9933adedd2"))
        let mask = InitialCrypto.aesBlock(key: hp, Self.hex("d1b1c98dd7689fb8ec11d242b123dc9b"))
        #expect(mask.map { Array($0.prefix(5)) } == Self.hex("437b9aec36"))
    }

    @Test func aTamperedTagIsRefused() {
        let key = [UInt8](repeating: 1, count: 16), nonce = [UInt8](repeating: 2, count: 12)
        let ciphertext: [UInt8] = [1, 2, 3, 4], tag = [UInt8](repeating: 0, count: 16)
        let opened = ciphertext.withUnsafeBytes { c in tag.withUnsafeBytes { t in InitialCrypto.open(key: key, nonce: nonce, aad: [9], ciphertext: c, tag: t) } }
        #expect(opened == nil)
    }
}
