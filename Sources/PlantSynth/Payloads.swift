import WireBytes

/// Application payloads real enough for a DPI engine (and tshark) to recognise.
extension PlantGenerator {
    static func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func mqttString(_ s: String) -> [UInt8] { u16(s.utf8.count) + Array(s.utf8) }

    static func mqttPacket(_ type: UInt8, _ body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [type]
        var n = body.count
        repeat {
            var byte = UInt8(n & 0x7F)
            n >>= 7
            if n > 0 { byte |= 0x80 }
            out.append(byte)
        } while n > 0
        return out + body
    }

    mutating func mqttConnect(_ d: Int) -> Int32 {
        template("mqtt-connect-\(d)") {
            Self.mqttPacket(0x10, Self.mqttString("MQTT") + [4, 0x02] + Self.u16(60) + Self.mqttString(deviceID(d)))
        }
    }

    mutating func mqttConnAck() -> Int32 { template("mqtt-connack") { [0x20, 0x02, 0x00, 0x00] } }

    mutating func mqttPublish(_ d: Int) -> Int32 {
        let v = rng.below(50)
        return template("mqtt-pub-\(d % 16)-\(v)") {
            let topic = "plant/line\(d % 16)/telemetry"
            let json = "{\"t\":\(20 + v),\"p\":\(1000 + v * 3),\"state\":\"run\"}"
            return Self.mqttPacket(0x30, Self.mqttString(topic) + Array(json.utf8))
        }
    }

    mutating func clientHello(_ sni: String, alpn protocols: String = "http/1.1") -> Int32 {
        template("ch-\(sni)-\(protocols)") {
            var ext: [UInt8] = []
            if !sni.isEmpty {
                let name = Array(sni.utf8)
                let entry = [0] + Self.u16(name.count) + name
                ext += Self.u16(0) + Self.u16(entry.count + 2) + Self.u16(entry.count) + entry
            }
            let alpn: [UInt8] = [UInt8(protocols.utf8.count)] + Array(protocols.utf8)
            ext += Self.u16(16) + Self.u16(alpn.count + 2) + Self.u16(alpn.count) + alpn
            ext += Self.u16(43) + Self.u16(5) + [4, 0x03, 0x04, 0x03, 0x03]
            ext += Self.u16(10) + Self.u16(4) + Self.u16(2) + [0x00, 0x1D]
            var body: [UInt8] = [3, 3] + (0 ..< 32).map { UInt8($0 * 7 & 0xFF) } + [0]
            body += Self.u16(6) + [0x13, 0x01, 0x13, 0x02, 0xC0, 0x2F] + [1, 0] + Self.u16(ext.count) + ext
            let hs: [UInt8] = [1, 0, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
            return [22, 3, 1] + Self.u16(hs.count) + hs
        }
    }

    mutating func serverHello() -> Int32 {
        template("sh") {
            var body: [UInt8] = [3, 3] + (0 ..< 32).map { UInt8($0 * 11 & 0xFF) } + [0] + [0xC0, 0x2F, 0]
            body += Self.u16(0)
            let hs: [UInt8] = [2, 0, UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
            return [22, 3, 3] + Self.u16(hs.count) + hs + [20, 3, 3, 0, 1, 1] + [23, 3, 3] + Self.u16(40) + [UInt8](repeating: 0x5A, count: 40)
        }
    }

    mutating func httpGet(_ host: String) -> Int32 {
        let v = rng.below(4)
        return template("get-\(host)-\(v)") {
            Array("GET /firmware/plc-v2.\(v).bin HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: plc-updater/1.4\r\nAccept: */*\r\n\r\n".utf8)
        }
    }

    mutating func httpOK() -> Int32 {
        template("http-ok") {
            Array("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 2097152\r\nContent-Disposition: attachment; filename=\"plc-firmware.bin\"\r\n\r\n".utf8)
        }
    }

    mutating func sshBanner(_ v: String) -> Int32 { template("ssh-\(v)") { Array("SSH-2.0-\(v)\r\n".utf8) } }

    mutating func rdpConnect() -> Int32 {
        template("rdp-cr") {
            let cookie = Array("Cookie: mstshash=engineer\r\n".utf8)
            let neg: [UInt8] = [1, 0, 8, 0, 3, 0, 0, 0]
            let x224: [UInt8] = [UInt8(6 + cookie.count + neg.count), 0xE0, 0, 0, 0, 0, 0] + cookie + neg
            return [3, 0] + Self.u16(4 + x224.count) + x224
        }
    }

    mutating func rdpConfirm() -> Int32 {
        template("rdp-cc") { [3, 0, 0, 19, 14, 0xD0, 0, 0, 0x12, 0x34, 0, 2, 0, 8, 0, 1, 0, 0, 0] }
    }

    mutating func dnsQuery(_ name: String) -> Int32 {
        template("dnsq-\(name)") { [0x1A, 0x2B, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + Self.dnsName(name) + [0, 1, 0, 1] }
    }

    mutating func dnsAnswer(_ name: String, _ a: IPAddress) -> Int32 {
        template("dnsa-\(name)") {
            let v = a.v4
            return [0x1A, 0x2B, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0] + Self.dnsName(name) + [0, 1, 0, 1]
                + [0xC0, 12, 0, 1, 0, 1, 0, 0, 0x0E, 0x10, 0, 4, UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        }
    }

    static func dnsName(_ name: String) -> [UInt8] {
        var out: [UInt8] = []
        for label in name.split(separator: ".") { out.append(UInt8(label.utf8.count)); out += Array(label.utf8) }
        return out + [0]
    }

    mutating func ntp(mode: UInt8) -> Int32 {
        template("ntp-\(mode)") { [0x20 | mode, mode == 4 ? 2 : 0, 6, 0xEC] + [UInt8](repeating: 0, count: 44) }
    }

    mutating func coapFirmware() -> Int32 {
        // CON POST /5/0/1 (LwM2M firmware object: package URI), token 4 bytes.
        template("coap-fw") { [0x44, 0x02, 0x12, 0x34, 0xA1, 0xB2, 0xC3, 0xD4, 0xB1, 0x35, 0x01, 0x30, 0x01, 0x31, 0xFF] + Array("coap://fw.eu-cloud.example/plc.bin".utf8) }
    }

    mutating func coapAck() -> Int32 { template("coap-ack") { [0x64, 0x44, 0x12, 0x34, 0xA1, 0xB2, 0xC3, 0xD4] } }

    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }

    /// TeamViewer's first command message (`17 24`, a 32-byte body) and the server's
    /// first data message (`11 30`, a 24-byte header and 24 bytes).
    mutating func teamViewerHello() -> Int32 { template("tv-c") { [0x17, 0x24, 0x0A] + Self.le16(32) + [UInt8](repeating: 0x11, count: 32) } }
    mutating func teamViewerReply() -> Int32 {
        template("tv-s") { [0x11, 0x30, 0x36, 0x00] + Self.le32(24) + [UInt8](repeating: 0, count: 16) + [UInt8](repeating: 0x22, count: 24) }
    }

    /// OpenVPN without authentication: the client's and the server's hard resets.
    mutating func openVPNClientReset() -> Int32 {
        template("ovpn-c") { [0x38, 0x50, 0x7A, 0x28, 0xA7, 0x82, 0x75, 0x78, 0x8D, 0, 0, 0, 0, 0] }
    }
    mutating func openVPNServerReset() -> Int32 {
        template("ovpn-s") { [0x40, 0x9A, 0xD7, 0x47, 0xBE, 0xB2, 0x4D, 0x8A, 0x1B, 1, 0, 0, 0, 0, 0x50, 0x7A, 0x28, 0xA7, 0x82, 0x75, 0x78, 0x8D, 0, 0, 0, 0] }
    }

    /// WireGuard's handshake initiation (148 bytes) and response (92 bytes).
    mutating func wireGuardInitiation() -> Int32 { template("wg-1") { [1, 0, 0, 0] + (0 ..< 144).map { UInt8($0 * 13 & 0xFF) } } }
    mutating func wireGuardResponse() -> Int32 { template("wg-2") { [2, 0, 0, 0] + (0 ..< 88).map { UInt8($0 * 29 & 0xFF) } } }

    /// PostgreSQL's startup message (protocol 3.0, a replication user) and the server's
    /// authentication-ok reply.
    mutating func postgresStartup() -> Int32 {
        template("pg-start") {
            let params = Array("user\u{0}replicator\u{0}database\u{0}plant\u{0}\u{0}".utf8)
            let length = 8 + params.count
            return [0, 0, UInt8(length >> 8), UInt8(length & 0xFF), 0, 3, 0, 0] + params
        }
    }
    mutating func postgresAuthOK() -> Int32 { template("pg-ok") { [0x52, 0, 0, 0, 8, 0, 0, 0, 0] } }

    mutating func modbusRead() -> Int32 { template("mb-req") { [0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x00, 0x00, 0x0A] } }

    mutating func modbusReply() -> Int32 { template("mb-rsp") { [0x00, 0x01, 0x00, 0x00, 0x00, 0x17, 0x01, 0x03, 0x14] + [UInt8](repeating: 0x11, count: 20) } }
}

/// `dev-000123`: a device's MQTT client id.
func deviceID(_ n: Int) -> String {
    let digits = String(n)
    return "dev-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}
