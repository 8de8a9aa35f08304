import Foundation
import Testing
import TestSupport

/// Device names from DHCP and NetBIOS reach the devices list through scan, partials
/// and merge, escaped in every format (a name is whatever the device, or an attacker,
/// sent).
@Suite struct DeviceNameReportTests {
    typealias H = HostileCapture
    static let hostile = "plc-\u{1B}[31m07\n=cmd"

    static func capture() -> [UInt8] {
        var out: [UInt8] = [0xD4, 0xC3, 0xB2, 0xA1, 2, 0, 4, 0] + [UInt8](repeating: 0, count: 8) + H.le32(65535) + H.le32(1)
        var t: UInt32 = 1_767_225_600
        func add(_ frame: [UInt8]) {
            t += 1
            out += H.le32(t) + H.le32(0) + H.le32(UInt32(frame.count)) + H.le32(UInt32(frame.count)) + frame
        }
        let name = Array(hostile.utf8)
        let request = DeviceNameTestsBytes.dhcp(options: [53, 1, 3, 50, 4, 10, 0, 1, 7, 12, UInt8(name.count)] + name)
        add(H.udp(from: [0, 0, 0, 0], 68, to: [255, 255, 255, 255], 67, request))
        add(H.tcp(from: [10, 0, 1, 7], 40000, to: [52, 28, 1, 1], 443, flags: 0x02, []))
        add(H.tcp(from: [52, 28, 1, 1], 443, to: [10, 0, 1, 7], 40000, flags: 0x12, []))
        return out
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: CommandLineTests.binary), "borderflow is not built (swift build)"))
    func namesInEveryFormat() throws {
        let dir = try HostileInputTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(Self.capture()).write(to: URL(fileURLWithPath: dir + "/dhcp.pcap"))
        try H.geo.write(toFile: dir + "/geo.csv", atomically: true, encoding: .utf8)
        let judge = ["--home", "CN", "--geo", "geo.csv", "--asn", "off", "--oui", "off"]
        let json = try HostileInputTests.run(["scan"] + judge + ["--format", "json", "dhcp.pcap"], in: dir)
        let doc = try JSONSerialization.jsonObject(with: Data(json.stdout)) as! [String: Any]
        let device = (doc["devices"] as! [[String: Any]]).first { $0["ip"] as? String == "10.0.1.7" }
        #expect(device?["names"] as? [String] == [Self.hostile], "the name, whole, in JSON")
        #expect(device?["mac"] as? String == "02:00:00:00:00:02")
        #expect((doc["devices"] as! [[String: Any]]).count == 1, "0.0.0.0, the DHCP client's source, is no device")

        let text = try HostileInputTests.run(["scan"] + judge + ["dhcp.pcap"], in: dir).text
        #expect(text.contains("plc-[U+001B][31m07[U+000A]=cmd") && !text.contains("\u{1B}"))
        let html = try HostileInputTests.run(["scan"] + judge + ["--format", "html", "dhcp.pcap"], in: dir).text
        #expect(html.contains("plc-[U+001B][31m07") && !html.contains("\u{1B}"))

        // Through a partial and merge: the same devices list.
        _ = try HostileInputTests.run(["scan"] + judge + ["--emit", "partial", "-o", "p.json", "dhcp.pcap"], in: dir)
        let merged = try HostileInputTests.run(["merge", "--asn", "off", "--oui", "off", "--format", "json", "p.json"], in: dir)
        let m = try JSONSerialization.jsonObject(with: Data(merged.stdout)) as! [String: Any]
        #expect(NSArray(array: m["devices"] as! [Any]).isEqual(to: doc["devices"] as! [Any]))
    }
}

/// The DHCP message builder of the parser tests, for frames here.
enum DeviceNameTestsBytes {
    static func dhcp(options: [UInt8]) -> [UInt8] {
        var b: [UInt8] = [1, 1, 6, 0, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16)
        b += [2, 0, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 10) + [UInt8](repeating: 0, count: 192)
        return b + [0x63, 0x82, 0x53, 0x63] + options + [255]
    }
}
