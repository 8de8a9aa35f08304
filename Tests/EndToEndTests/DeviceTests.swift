import Foundation
import Networks
import Testing
import TestSupport
import WireBytes

/// The devices list: Ethernet addresses as the frames carry them, vendors as tshark
/// resolves them (`eth.src_resolved`, from the same IEEE registry file).
@Suite struct DeviceTests {
    typealias CLI = CommandLineTests
    static let tshark = ["/usr/bin/tshark", "/usr/local/bin/tshark"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let manufPresent = FileManager.default.fileExists(atPath: OUIRegistry.defaultPath)

    @Test func manufLinesAndBlocks() {
        let text = """
        # comment
        00:1B:21\tIntelCor\tIntel Corporate
        00:1B:C5:00:00:00/36\tConvergi\tConverging Systems Inc.
        70:B3:D5:00:00:00/28\tShort28\tA 28-bit block   # a comment
        02:60:60\t3com
        bad line
        """
        let r = OUIRegistry(text: text, path: "test")
        #expect(r.count == 4)
        #expect(r.vendor(of: MACAddress.parse("00:1b:21:12:34:56")!) == .init(short: "IntelCor", name: "Intel Corporate"))
        #expect(r.vendor(of: MACAddress.parse("00:1b:c5:00:00:0f")!)?.short == "Convergi")
        #expect(r.vendor(of: MACAddress.parse("00:1b:c5:00:10:00")!) == nil, "outside the 36-bit block, and no 24-bit entry")
        #expect(r.vendor(of: MACAddress.parse("70:b3:d5:0f:ff:ff")!)?.name == "A 28-bit block")
        #expect(r.vendor(of: MACAddress.parse("02:60:60:00:00:01")!) == .init(short: "3com", name: "3com"))
        // Only the blocks of the addresses a report shows are kept.
        let some = OUIRegistry(text: text, path: "test", wanted: [MACAddress.parse("00:1b:c5:00:00:01")!])
        #expect(some.count == 1 && some.lines == 4 && some.vendor(of: MACAddress.parse("00:1b:c5:00:00:01")!)?.short == "Convergi")
        #expect(some.vendor(of: MACAddress.parse("00:1b:21:12:34:56")!) == nil)
        #expect(MACAddress.text(MACAddress.parse("0A-1B-2C-3D-4E-5F")!) == "0a:1b:2c:3d:4e:5f")
        #expect(MACAddress.parse("00:1b:21:12:34") == nil)
    }

    /// Every device's vendor equals tshark's resolution of its address on real captures.
    @Test(.enabled(if: Fixtures.available && tshark != nil && manufPresent && FileManager.default.isExecutableFile(atPath: CLI.binary),
                   "needs the shared fixtures, tshark and Wireshark's manuf (scripts/install-deps.sh tshark)"))
    func vendorsEqualTsharkResolution() throws {
        let dir = Fixtures.root + "/ndpi-services/pcap/"
        let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".pcap") || $0.hasSuffix(".pcapng") }.sorted()
        var checked = 0, withVendor = 0
        for name in names.prefix(12) {
            let path = dir + name
            let scan = try CLI.run(["scan", "--home", "CN", "--geo", CLI.example + "plant-example-geo.csv", "--asn", "off", "--format", "json", path])
            guard scan.status <= 2, let doc = try? JSONSerialization.jsonObject(with: Data(scan.stdout.utf8)) as? [String: Any] else { continue }
            let devices = (doc["devices"] as? [[String: Any]] ?? []).filter { $0["mac"] is String }
            guard !devices.isEmpty else { continue }
            let text = try toolOutput(Self.tshark!, ["-n", "-N", "m", "-r", path, "-T", "fields", "-e", "eth.src", "-e", "eth.src_resolved"])
            var resolved: [String: String] = [:]
            for line in text.split(separator: "\n") {
                let f = line.split(separator: "\t", omittingEmptySubsequences: false)
                if f.count >= 2 { resolved[String(f[0].split(separator: ",")[0])] = String(f[1].split(separator: ",")[0]) }
            }
            for d in devices {
                let mac = d["mac"] as! String
                guard let r = resolved[mac] else { continue }   // the device's frames carried it inside a tunnel
                if let short = d["vendor"] as? String {
                    #expect(r.hasPrefix(short + "_") || r == short, "\(name): \(mac) is \(short) here, \(r) for tshark")
                    withVendor += 1
                } else {
                    #expect(r == mac, "\(name): \(mac) has no vendor here, \(r) for tshark")
                }
                checked += 1
            }
        }
        #expect(checked >= 12 && withVendor >= 6, "\(checked) devices checked, \(withVendor) with a vendor")
    }
}
