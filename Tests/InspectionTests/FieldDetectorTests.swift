@testable import Inspection
import Testing
import Verdicts
import WireBytes

/// The detectors of file transfer, SoftEther, Alibaba Cloud's device link and the
/// field protocols (HART-IP, KNXnet/IP, DLMS/COSEM, EtherSIO, ADS, PROFINET IO), on
/// messages laid out here as the captures of these protocols carry them.
@Suite struct FieldDetectorTests {
    static func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = [], i = s.startIndex
        while i < s.endIndex { let j = s.index(i, offsetBy: 2); out.append(UInt8(s[i ..< j], radix: 16)!); i = j }
        return out
    }

    /// An HDLC SNRM frame of a DLMS client (IEC 62056-46), its FCS as sent.
    static let snrmFrame = hex("7ea0070321930f017e")
    /// ADS Read State request over AMS/TCP: 32-byte AMS header, no data.
    static let adsReadState = hex("000020000000050d756001011027c0a801630101038004000400000000000000000005000000")
    /// A PROFINET IO connectionless RPC request (little-endian data representation).
    static let pnioRequest: [UInt8] = {
        var b: [UInt8] = [4, 0, 0x08, 0x00, 0x10, 0x00, 0x00, 0x00]
        b += hex("0000a0de976cd111827100010003015a")          // object UUID
        b += hex("0100a0de976cd111827100a02442df7d")          // interface: PNIO device (DEA00001-…)
        b += [UInt8](repeating: 0x11, count: 16)              // activity
        b += [UInt8](repeating: 0, count: 32)                 // times, numbers, lengths
        return b
    }()

    static func verdict<D: ProtocolDetector>(_ d: D.Type, _ bytes: [UInt8], _ transport: Transport = .udp, index: Int = 0,
                                             fromInitiator: Bool = true, ports: (UInt16, UInt16) = (50000, 50001)) -> DetectorVerdict {
        var f = DetectorFindings()
        return bytes.withUnsafeBytes {
            d.inspect(PayloadView(bytes: $0, transport: transport, fromInitiator: fromInitiator, sourcePort: ports.0,
                                  destinationPort: ports.1, index: index, reassembled: true), &f)
        }
    }

    @Test func tftpTransfersNeedTheirAcknowledgement() {
        let data = [0, 3, 0, 1] + [UInt8](repeating: 0x41, count: 512)
        #expect(Self.verdict(TFTPDetector.self, data) == .needMore)
        #expect(Self.verdict(TFTPDetector.self, [0, 4, 0, 1], index: 1, fromInitiator: false) == .detected(.tftp))
        // An ACK as a flow's first datagram is only block 0 (the answer to a write request).
        #expect(Self.verdict(TFTPDetector.self, [0, 4, 0, 1]) == .excluded)
        #expect(Self.verdict(TFTPDetector.self, [0, 4, 0, 0]) == .needMore)
        #expect(Self.verdict(TFTPDetector.self, [0, 4, 0, 1, 0]) == .excluded)
        // The lone option acknowledgement of nDPI's capture: blksize 1468, tsize 100000.
        #expect(Self.verdict(TFTPDetector.self, Self.hex("0006626c6b73697a650031343638007473697a650031303030303000")) == .detected(.tftp))
        #expect(Self.verdict(TFTPDetector.self, [0, 6] + Array("color\0red\0".utf8)) == .excluded)
        #expect(Self.verdict(TFTPDetector.self, [0, 5, 0, 1] + Array("File not found\0".utf8)) == .detected(.tftp))
        // A request needs a known mode.
        #expect(Self.verdict(TFTPDetector.self, [0, 1] + Array("a.bin\0binary\0".utf8)) == .excluded)
        #expect(Self.verdict(TFTPDetector.self, [0, 2] + Array("a.bin\0NetASCII\0".utf8)) == .detected(.tftp))
    }

    @Test func softEtherNeedsTheServersAnswerOrAPack() {
        #expect(Self.verdict(SoftEtherDetector.self, [0x41]) == .needMore)
        #expect(Self.verdict(SoftEtherDetector.self, Array("IP=90.186.132.133,PORT=51381".utf8), index: 1) == .detected(.softether))
        #expect(Self.verdict(SoftEtherDetector.self, Array("IP=90.186.132.133,PORT=5138x".utf8), index: 1) == .excluded)
        // The first element of a PACK: `host_name`, type 2 (string), one value.
        let pack = Self.hex("0000000c0000000a686f73745f6e616d650000000200000001000000037670")
        #expect(Self.verdict(SoftEtherDetector.self, pack, index: 6) == .detected(.softether))
        var upper = pack
        upper[8] = 0x48   // `Host_name`: not a PACK name
        #expect(Self.verdict(SoftEtherDetector.self, upper, index: 6) == .excluded)
    }

    @Test func aliCloudFramesCarryTheirLength() {
        #expect(Self.verdict(AliCloudDetector.self, Self.hex("cefabeba80000000"), .tcp) == .detected(.alicloud))
        #expect(Self.verdict(AliCloudDetector.self, Self.hex("cefabeba30000000") + [UInt8](repeating: 7, count: 48), .tcp) == .detected(.alicloud))
        #expect(Self.verdict(AliCloudDetector.self, Self.hex("cefabeba30000000") + [UInt8](repeating: 7, count: 47), .tcp) == .excluded)
    }

    @Test func hartIPMessagesAreTheirByteCount() {
        let initiate = Self.hex("010000000002000d0100007530")
        #expect(Self.verdict(HARTIPDetector.self, initiate) == .detected(.hartip))
        #expect(Self.verdict(HARTIPDetector.self, initiate + [0]) == .excluded)
        #expect(Self.verdict(HARTIPDetector.self, initiate + initiate, .tcp) == .detected(.hartip))
        var badType = initiate
        badType[1] = 7
        #expect(Self.verdict(HARTIPDetector.self, badType) == .excluded)
    }

    @Test func knxMessagesChainToTheEnd() {
        let two = Self.hex("06100423000e040102000600108706100425000e0401030006001087")
        #expect(Self.verdict(KNXIPDetector.self, two, .tcp) == .detected(.knxip))
        #expect(Self.verdict(KNXIPDetector.self, Array(two.dropLast()), .tcp) == .excluded)
        #expect(Self.verdict(KNXIPDetector.self, Self.hex("0610020b00140801c0a858e7a17f060401020607")) == .detected(.knxip))
    }

    @Test func dlmsFramesNeedTheirCheckSequence() {
        #expect(Self.verdict(DLMSDetector.self, Self.snrmFrame, .tcp) == .detected(.dlms))
        // Two frames in one segment, as meters send them.
        #expect(Self.verdict(DLMSDetector.self, Self.snrmFrame + Self.snrmFrame, .tcp) == .detected(.dlms))
        var broken = Self.snrmFrame
        broken[6] ^= 0x01
        #expect(Self.verdict(DLMSDetector.self, broken, .tcp) == .excluded)
        // The IEC 62056-47 wrapper around a get-request.
        let get: [UInt8] = [0xC0, 0x01, 0xC1, 0x00, 0x01, 0x01, 0x01, 0x00, 0x00, 0x02, 0xFF, 0x02, 0x00]
        let wrapped: [UInt8] = [0, 1, 0, 0x10, 0, 1, 0, UInt8(get.count)] + get
        #expect(Self.verdict(DLMSDetector.self, wrapped) == .detected(.dlms))
        #expect(Self.verdict(DLMSDetector.self, [0, 1, 0, 0x10, 0, 1, 0, UInt8(get.count)] + [0x42] + get.dropFirst()) == .excluded)
    }

    @Test func adsHeadersAgreeWithTheirLengths() {
        #expect(Self.verdict(ADSDetector.self, Self.adsReadState, .tcp) == .detected(.ads))
        var wrongData = Self.adsReadState
        wrongData[26] = 4
        #expect(Self.verdict(ADSDetector.self, wrongData, .tcp) == .excluded)
        var notCommand = Self.adsReadState
        notCommand[24] = 0x01
        #expect(Self.verdict(ADSDetector.self, notCommand, .tcp) == .excluded)
    }

    @Test func profinetIsKnownByItsInterface() {
        #expect(Self.verdict(PROFINETDetector.self, Self.pnioRequest) == .detected(.profinet))
        // The same in big-endian representation.
        var big = Self.pnioRequest
        big[4] = 0x00
        big.replaceSubrange(24 ..< 32, with: Self.hex("dea000016c9711d1"))
        #expect(Self.verdict(PROFINETDetector.self, big) == .detected(.profinet))
        // Another DCE/RPC interface (the endpoint mapper) is not PROFINET.
        var other = Self.pnioRequest
        other.replaceSubrange(24 ..< 40, with: Self.hex("0883afe11f5dc91191a408002b14a0fa"))
        #expect(Self.verdict(PROFINETDetector.self, other) == .excluded)
    }

    @Test func anyConnectsPreStandardDTLSIsDTLS() {
        // A ClientHello record of version 0x0100: a handshake header whose length fits.
        let body = [UInt8](repeating: 0x20, count: 0x4A)
        let hello: [UInt8] = [22, 0x01, 0x00] + [UInt8](repeating: 0, count: 8) + [0, 0x56] + [1, 0, 0, 0x4A] + [0, 0, 0, 0, 0, 0, 0, 0x4A] + body
        #expect(Self.verdict(DTLSDetector.self, hello, ports: (54107, 443)) == .detected(.dtls))
        var long = hello
        long[15] = 0xFF   // the handshake says more than its record holds
        #expect(Self.verdict(DTLSDetector.self, long) == .excluded)
        var other = hello
        other[0] = 23     // application data of the old version: not claimed on its own
        #expect(Self.verdict(DTLSDetector.self, other) == .excluded)
    }
}
