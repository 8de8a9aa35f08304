import CaptureFormats
import Foundation
import Packets
import Testing
import TestSupport
import WireBytes


extension Fixtures {
    /// Every packet of a fixture capture, decoded.
    static func decodeAll(_ name: String) throws -> [DecodedPacket] {
        var reader = try CaptureReader.open(path: root + "/" + name)
        var out: [DecodedPacket] = []
        var p = DecodedPacket()
        while let r = reader.next() {
            PacketDecoder.decode(r.data, linkType: r.linkType, into: &p)
            out.append(p)
        }
        return out
    }
}

func decode(_ bytes: [UInt8], _ link: LinkType = .ethernet) -> DecodedPacket {
    var p = DecodedPacket()
    bytes.withUnsafeBytes { PacketDecoder.decode($0, linkType: link, into: &p) }
    return p
}

/// Frames built field by field.
enum Frame {
    static let mac: [UInt8] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]
    static func ipv4(proto: UInt8, payload: [UInt8], src: [UInt8] = [10, 0, 0, 1], dst: [UInt8] = [203, 0, 113, 9],
                     flags: UInt16 = 0, options: [UInt8] = []) -> [UInt8] {
        let ihl = (20 + options.count) / 4
        let total = 20 + options.count + payload.count
        return [UInt8(0x40 | ihl), 0, UInt8(total >> 8), UInt8(total & 0xFF), 0x12, 0x34, UInt8(flags >> 8), UInt8(flags & 0xFF),
                64, proto, 0, 0] + src + dst + options + payload
    }
    static func ipv6(next: UInt8, payload: [UInt8]) -> [UInt8] {
        [0x60, 0, 0, 0, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF), next, 64]
            + [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [1]
            + [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 11) + [2] + payload
    }
    static func tcp(_ sp: UInt16, _ dp: UInt16, flags: UInt8 = 0x02, payload: [UInt8] = []) -> [UInt8] {
        [UInt8(sp >> 8), UInt8(sp & 0xFF), UInt8(dp >> 8), UInt8(dp & 0xFF), 0, 0, 0, 7, 0, 0, 0, 9, 0x50, flags, 0xFF, 0xFF, 0, 0, 0, 0] + payload
    }
    static func udp(_ sp: UInt16, _ dp: UInt16, payload: [UInt8]) -> [UInt8] {
        let l = 8 + payload.count
        return [UInt8(sp >> 8), UInt8(sp & 0xFF), UInt8(dp >> 8), UInt8(dp & 0xFF), UInt8(l >> 8), UInt8(l & 0xFF), 0, 0] + payload
    }
    static func ether(_ type: UInt16, _ body: [UInt8], vlans: [(UInt16, UInt16)] = []) -> [UInt8] {
        var f = mac
        for (tpid, id) in vlans { f += [UInt8(tpid >> 8), UInt8(tpid & 0xFF), UInt8(id >> 8), UInt8(id & 0xFF)] }
        return f + [UInt8(type >> 8), UInt8(type & 0xFF)] + body
    }
}

@Suite struct PacketDecoderTests {
    /// `reset` lists the fields by hand (for speed): it must leave what a fresh value has.
    @Test func resetEqualsAFreshValue() {
        var p = DecodedPacket()
        p.vlanCount = 2; p.outerVLAN = 7; p.innerVLAN = 8; p.etherType = 0x800; p.network = .ipv6; p.sourceMAC = 0x001B_2100_0001
        p.source = IPAddress(v4: 0x0A00_0001); p.destination = IPAddress(v4: 0x0A00_0002)
        p.ipOffset = 14; p.ipLength = 60; p.ipProtocol = 6; p.hopLimit = 64
        p.fragment.isFragment = true; p.fragment.offset = 8; p.fragment.moreFragments = true; p.fragment.identification = 9
        p.transportOffset = 34; p.sourcePort = 1; p.destinationPort = 2; p.tcpFlags = 0x12
        p.tcpSequence = 3; p.tcpAcknowledgment = 4; p.icmpType = 5; p.icmpCode = 6; p.hasTransport = true
        p.payloadOffset = 54; p.payloadLength = 10
        p.stop = .malformed(.ipv4, "test", at: 1)
        // Every stored property was changed above (the count guards a field added later).
        #expect(Mirror(reflecting: p).children.count == 26)
        p.reset(linkType: .raw)
        var fresh = DecodedPacket()
        fresh.linkType = .raw
        #expect(String(reflecting: p) == String(reflecting: fresh))
    }

    @Test func ethernetIPv4TCP() {
        let f = Frame.ether(0x0800, Frame.ipv4(proto: 6, payload: Frame.tcp(40000, 8883, flags: 0x18, payload: [1, 2, 3])) + [0, 0, 0, 0])
        let p = decode(f)
        #expect(p.stop == nil)
        #expect(p.network == .ipv4 && p.source == IPAddress("10.0.0.1") && p.destination == IPAddress("203.0.113.9"))
        #expect(p.isTCP && p.sourcePort == 40000 && p.destinationPort == 8883 && p.tcpFlags == 0x18 && p.tcpSequence == 7)
        #expect(p.ipLength == 43)
        #expect(p.payloadOffset == 14 + 20 + 20 && p.payloadLength == 3)  // Ethernet padding excluded
    }

    @Test func vlanStackAndOptions() {
        let ip = Frame.ipv4(proto: 17, payload: Frame.udp(5000, 53, payload: [9, 9]), options: [1, 1, 1, 0])
        let p = decode(Frame.ether(0x0800, ip, vlans: [(0x88A8, 200), (0x8100, 2001)]))
        #expect(p.vlanCount == 2 && p.outerVLAN == 200 && p.innerVLAN == 2001)
        #expect(p.isUDP && p.destinationPort == 53 && p.payloadLength == 2)
    }

    @Test func ipv6ExtensionChainAndFragments() {
        // hop-by-hop (8) -> destination options (8) -> fragment (first, more) -> UDP
        let udp = Frame.udp(1, 2, payload: [5, 5, 5, 5])
        let frag: [UInt8] = [17, 0, 0x00, 0x01, 0xAA, 0xBB, 0xCC, 0xDD]
        let dest: [UInt8] = [44, 0, 1, 4, 0, 0, 0, 0]
        let hbh: [UInt8] = [60, 0, 1, 4, 0, 0, 0, 0]
        let p = decode(Frame.ether(0x86DD, Frame.ipv6(next: 0, payload: hbh + dest + frag + udp)))
        #expect(p.stop == nil && p.network == .ipv6 && p.ipProtocol == 17)
        #expect(p.fragment.isFragment && p.fragment.moreFragments && p.fragment.offset == 0 && p.fragment.identification == 0xAABB_CCDD)
        #expect(p.sourcePort == 1 && p.payloadLength == 4)
        // A later fragment: payload only, no ports.
        let later: [UInt8] = [17, 0, 0x05, 0x00, 0, 0, 0, 1]
        let q = decode(Frame.ether(0x86DD, Frame.ipv6(next: 44, payload: later + [1, 2, 3])))
        #expect(q.fragment.offset == 0x500 && !q.hasTransport && q.payloadLength == 3)
    }

    @Test func truncatedTCPKeepsIPAndSaysWhy() {
        let f = Array(Frame.ether(0x0800, Frame.ipv4(proto: 6, payload: Frame.tcp(1, 2))).prefix(14 + 20 + 10))
        let p = decode(f)
        #expect(p.network == .ipv4 && p.source == IPAddress("10.0.0.1"))
        #expect(p.stop == WireError.truncated(.tcp, needed: 20, available: 10, at: 34))
    }

    @Test func otherLinkTypes() {
        let ip = Frame.ipv4(proto: 17, payload: Frame.udp(7, 8, payload: []))
        #expect(decode(ip, .raw).destinationPort == 8)
        #expect(decode(ip, .ipv4).destinationPort == 8)
        #expect(decode([2, 0, 0, 0] + ip, .null).destinationPort == 8)          // little-endian host
        #expect(decode([0, 0, 0, 2] + ip, .null).destinationPort == 8)          // big-endian host
        #expect(decode([0, 0, 0, 2] + ip, .loop).destinationPort == 8)
        #expect(decode([0, 0, 0, 30] + Frame.ipv6(next: 17, payload: Frame.udp(7, 9, payload: [])), .null).destinationPort == 9)
        #expect(decode([0xFF, 0x03, 0x00, 0x21] + ip, .ppp).destinationPort == 8)
        #expect(decode([0x21] + ip, .ppp).destinationPort == 8)               // compressed protocol field
        var sll: [UInt8] = [0, 0, 0, 1, 0, 6] + [UInt8](repeating: 0, count: 8) + [0x08, 0x00]
        #expect(decode(sll + ip, .linuxSLL).destinationPort == 8)
        sll = [0x08, 0x00, 0, 0] + [UInt8](repeating: 0, count: 16)
        #expect(decode(sll + ip, .linuxSLL2).destinationPort == 8)
        let pppoe: [UInt8] = [0x11, 0, 0, 1, 0, UInt8(ip.count + 2), 0, 0x21]
        #expect(decode(Frame.ether(0x8864, pppoe + ip)).destinationPort == 8)
        #expect(decode([0x0F, 0, 0x08, 0] + ip, .cHDLC).destinationPort == 8)
        #expect(decode(ip, LinkType(9999)).stop?.kind == .unsupported("link type not decoded"))
    }
}

@Suite(.enabled(if: Fixtures.available, Fixtures.skipMessage))
struct PacketFixtureTests {
    @Test func rawIPv4AndIPv6() throws {
        let v4 = try Fixtures.decodeAll("tcpdump/LINKTYPE_RAW_ipv4.pcap")[0]
        #expect(v4.source == IPAddress("192.168.1.100") && v4.destination == IPAddress("9.9.9.9"))
        #expect(v4.sourcePort == 12345 && v4.destinationPort == 53 && v4.payloadLength == 29)
        let v6 = try Fixtures.decodeAll("tcpdump/LINKTYPE_IPV6.pcap")[0]
        #expect(v6.source == IPAddress("2001:db8::1") && v6.destination == IPAddress("2620:fe::9") && v6.payloadLength == 29)
        let raw6 = try Fixtures.decodeAll("tcpdump/LINKTYPE_RAW_ipv6.pcap")[0]
        #expect(raw6.network == .ipv6 && raw6.destinationPort == 53)
    }

    @Test func linuxCookedHandshake() throws {
        let ps = try Fixtures.decodeAll("tcpdump/tcp-handshake-nano.pcap")
        #expect(ps.map(\.sourcePort) == [46656, 80, 46656])
        #expect(ps[0].source == IPAddress("131.155.215.69") && ps[0].destination == IPAddress("137.116.81.94"))
        #expect(ps.map(\.tcpFlags) == [0x02, 0x12, 0x10])
    }

    @Test func qinqCarriesARP() throws {
        let ps = try Fixtures.decodeAll("tcpdump/802.1ad_QinQ.pcap")
        #expect(ps.allSatisfy { $0.vlanCount == 2 && $0.outerVLAN == 200 && $0.innerVLAN == 2001 && $0.etherType == 0x0806 })
        #expect(ps.allSatisfy { $0.network == .other && $0.stop != nil })
    }

    @Test func pppoeLCPStopsCleanly() throws {
        let ps = try Fixtures.decodeAll("tcpdump/pppoes.pcap")
        #expect(ps.count == 2 && ps.allSatisfy { $0.stop?.layer == .ppp })
    }

    @Test func jumbogram() throws {
        let p = try Fixtures.decodeAll("tcpdump/ipv6_jumbogram_1.pcap")[0]
        #expect(p.network == .ipv6 && p.ipLength > 65535)
    }

    @Test func loopbackFamilyAndDNSOverTCP() throws {
        let q = try Fixtures.decodeAll("tcpdump/quic_handshake.pcap")
        #expect(q.allSatisfy { $0.isUDP })
        let d = try Fixtures.decodeAll("tcpdump/dns_tcp.pcap")
        #expect(d[0].source == IPAddress("192.168.1.11") && d[0].destinationPort == 53 && d[0].tcpSequence == 603_899_916)
    }

    /// Every packet of every fixture capture decodes without trapping, and every
    /// offset stays inside its frame.
    @Test func everyFixturePacketStaysInBounds() throws {
        let fm = FileManager.default
        var frames = 0
        for dir in ["tcpdump", "ndpi/pcap", "pcapng-test-generator/output_le/basic", "netflow/akvorado/encap"] {
            for name in try fm.contentsOfDirectory(atPath: Fixtures.root + "/" + dir).sorted()
            where name.hasSuffix(".pcap") || name.hasSuffix(".pcapng") {
                guard var reader = try? CaptureReader.open(path: Fixtures.root + "/" + dir + "/" + name) else { continue }
                var p = DecodedPacket()
                while let r = reader.next() {
                    PacketDecoder.decode(r.data, linkType: r.linkType, into: &p)
                    #expect(p.payloadOffset >= 0 && p.payloadLength >= 0 && p.payloadOffset + p.payloadLength <= r.data.count, "\(name)")
                    frames += 1
                }
            }
        }
        #expect(frames > 5000)
    }
}

/// Fuzz-style: bit flips, truncations and extreme length fields over valid frames,
/// for every link type: no trap, every range inside the frame.
@Suite struct PacketMutationTests {
    static let seeds: [[UInt8]] = [
        Frame.ether(0x0800, Frame.ipv4(proto: 6, payload: Frame.tcp(1, 443, payload: [1, 2, 3, 4]), options: [1, 1, 1, 0])),
        Frame.ether(0x86DD, Frame.ipv6(next: 0, payload: [60, 0, 1, 4, 0, 0, 0, 0, 44, 0, 1, 4, 0, 0, 0, 0, 17, 0, 0, 1, 1, 2, 3, 4] + Frame.udp(1, 2, payload: [9]))),
        Frame.ether(0x8100, [0, 5, 0x88, 0x64, 0x11, 0, 0, 1, 0, 30, 0, 0x21] + Frame.ipv4(proto: 17, payload: Frame.udp(3, 4, payload: [1]))),
        Frame.ipv6(next: 51, payload: [6, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] + Frame.tcp(5, 6)),
    ]

    @Test func mutatedFramesNeverTrap() {
        var rng: UInt64 = 0xDEADBEEF
        func next() -> Int { rng = rng &* 6364136223846793005 &+ 1442695040888963407; return Int(rng >> 33) }
        let links: [LinkType] = [.ethernet, .raw, .ipv4, .ipv6, .linuxSLL, .linuxSLL2, .null, .loop, .ppp, .pppEther, .cHDLC]
        var p = DecodedPacket()
        func check(_ f: [UInt8]) {
            for link in links {
                f.withUnsafeBytes { PacketDecoder.decode($0, linkType: link, into: &p) }
                #expect(p.payloadOffset + p.payloadLength <= f.count && p.payloadLength >= 0)
            }
        }
        for seed in Self.seeds {
            for cut in 0 ... seed.count { check(Array(seed.prefix(cut))) }
            for _ in 0 ..< 400 {
                var m = seed
                switch next() % 3 {
                case 0: for _ in 0 ... next() % 3 { m[next() % m.count] ^= UInt8(1 << (next() % 8)) }
                case 1: m[next() % m.count] = [0, 0xFF, 0x0F, 0xF0, 0x45, 0x2C][next() % 6]
                default:
                    let i = next() % max(1, m.count - 1)
                    m[i] = 0xFF; m[i + 1] = 0xFF
                }
                check(m)
            }
        }
    }
}
