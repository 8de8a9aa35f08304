@testable import Inspection
import Testing
import TestSupport
import Verdicts
import WireBytes

/// The data-store and file-protocol detectors (MySQL, PostgreSQL, MongoDB, Kafka, TDS,
/// Redis, SMB, NFS/ONC RPC, rsync, WebDAV, Dropbox LAN sync): each recognises its own
/// messages, built here byte by byte from the protocols' formats, turns down other
/// protocols' first bytes and broken copies of its own, and survives truncated and
/// bit-flipped input.
@Suite struct DataStoreDetectorTests {
    // MARK: - Byte builders

    static func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func be32(_ v: Int) -> [UInt8] { be16(v >> 16 & 0xFFFF) + be16(v & 0xFFFF) }
    static func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le24(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v >> 16 & 0xFF)] }
    static func le32(_ v: Int) -> [UInt8] { le16(v & 0xFFFF) + le16(v >> 16 & 0xFFFF) }
    static func ascii(_ s: String) -> [UInt8] { Array(s.utf8) }
    static func utf16(_ s: String) -> [UInt8] { s.utf16.flatMap { le16(Int($0)) } }
    static func zeros(_ n: Int) -> [UInt8] { [UInt8](repeating: 0, count: n) }
    static func u8(_ v: UInt8...) -> [UInt8] { v }

    struct Outcome {
        var verdict: DetectorVerdict
        var findings: DetectorFindings
    }

    static func run(_ d: any ProtocolDetector.Type, _ bytes: [UInt8], _ transport: Transport = .tcp,
                    source: UInt16 = 50_000, destination: UInt16, fromInitiator: Bool = true, index: Int = 0,
                    reassembled: Bool = false) -> Outcome {
        var findings = DetectorFindings()
        let verdict = bytes.withUnsafeBytes { b in
            d.inspect(PayloadView(bytes: b, transport: transport, fromInitiator: fromInitiator, sourcePort: source,
                                  destinationPort: destination, index: index, reassembled: reassembled),
                      &findings)
        }
        return Outcome(verdict: verdict, findings: findings)
    }

    // MARK: - Other protocols' first bytes

    /// A TLS 1.2 ClientHello record (version, random, no session, one suite, null compression).
    static let tlsHello: [UInt8] = {
        let hello: [UInt8] = u8(3, 3) + [UInt8](repeating: 7, count: 32) + u8(0) + be16(2) + u8(0x13, 0x01) + u8(1, 0)
        let handshake: [UInt8] = u8(1, 0) + be16(hello.count) + hello
        return u8(0x16, 3, 1) + be16(handshake.count) + handshake
    }()
    static let httpGet: [UInt8] = ascii("GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n")
    static let sshBanner: [UInt8] = ascii("SSH-2.0-OpenSSH_9.6\r\n")
    static let dnsQuery: [UInt8] = be16(0x1234) + be16(0x0100) + be16(1) + be16(0) + be16(0) + be16(0)
        + u8(7) + ascii("example") + u8(3) + ascii("com") + u8(0) + be16(1) + be16(1)

    // MARK: - Samples

    /// MySQL 8 server greeting: protocol 10, version, thread id, salt, filler, capabilities...
    static let mysqlGreeting: [UInt8] = {
        let body: [UInt8] = u8(0x0A) + ascii("8.0.36") + u8(0) + le32(12) + ascii("abcdefgh") + u8(0)
            + le16(0xFFFF) + u8(0xFF) + le16(0x0002) + le16(0xDFFF) + u8(21) + zeros(10)
            + ascii("ijklmnopqrst") + u8(0) + ascii("caching_sha2_password") + u8(0)
        return le24(body.count) + u8(0) + body
    }()

    /// MySQL TLS request: sequence 1, capabilities, max packet, character set, 23 zeros.
    static let mysqlSSLRequest: [UInt8] = le24(32) + u8(1) + u8(0x85, 0xAE, 0xFF, 0x19) + u8(0x00, 0x00, 0x00, 0x01) + u8(0xFF) + zeros(23)

    static let mysqlHandshakeResponse: [UInt8] = {
        let body: [UInt8] = le32(0x000F_A685) + le32(16_777_216) + u8(0x21) + zeros(23) + ascii("admin") + u8(0)
            + u8(20) + [UInt8](repeating: 0x11, count: 20) + ascii("mysql_native_password") + u8(0)
        return le24(body.count) + u8(1) + body
    }()

    static let mysqlErrorGreeting: [UInt8] = {
        let body: [UInt8] = u8(0xFF) + le16(1130) + ascii("Host '10.0.0.5' is not allowed to connect to this MySQL server")
        return le24(body.count) + u8(0) + body
    }()

    static let pgStartup: [UInt8] = {
        let body: [UInt8] = be32(0x0003_0000) + ascii("user") + u8(0) + ascii("oryx") + u8(0)
            + ascii("database") + u8(0) + ascii("mailstore") + u8(0) + u8(0)
        return be32(4 + body.count) + body
    }()

    static let pgSSLRequest: [UInt8] = be32(8) + be32(80_877_103)
    static let pgGSSRequest: [UInt8] = be32(8) + be32(80_877_104)

    /// MongoDB OP_QUERY on `admin.$cmd` with `{isMaster: 1}`.
    static let mongoQuery: [UInt8] = {
        let doc: [UInt8] = le32(19) + u8(0x10) + ascii("isMaster") + u8(0) + le32(1) + u8(0)
        let body: [UInt8] = le32(0) + ascii("admin.$cmd") + u8(0) + le32(0) + le32(0xFFFF_FFFF) + doc
        return le32(16 + body.count) + le32(0x4D6E_3698) + le32(0) + le32(2004) + body
    }()

    /// MongoDB OP_MSG `{hello: 1, $db: "admin"}`.
    static let mongoMsg: [UInt8] = {
        let elements: [UInt8] = u8(0x10) + ascii("hello") + u8(0) + le32(1) + u8(0x02) + ascii("$db") + u8(0) + le32(6) + ascii("admin") + u8(0)
        let doc: [UInt8] = le32(4 + elements.count + 1) + elements + u8(0)
        let body: [UInt8] = le32(0) + u8(0) + doc
        return le32(16 + body.count) + le32(7) + le32(0) + le32(2013) + body
    }()

    /// The server's OP_MSG answer `{ok: 1.0}` to request 7.
    static let mongoReply: [UInt8] = {
        let elements: [UInt8] = u8(0x01) + ascii("ok") + u8(0) + u8(0, 0, 0, 0, 0, 0, 0xF0, 0x3F)
        let doc: [UInt8] = le32(4 + elements.count + 1) + elements + u8(0)
        let body: [UInt8] = le32(0) + u8(0) + doc
        return le32(16 + body.count) + le32(99) + le32(7) + le32(2013) + body
    }()

    /// Kafka ApiVersions v0 from client `rdkafka`.
    static let kafkaApiVersions: [UInt8] = be32(21) + be16(18) + be16(0) + be32(0x81) + be16(7) + ascii("rdkafka") + zeros(4)

    /// Kafka ApiVersions v3 (flexible header) from client `console-producer`.
    static let kafkaApiVersionsV3: [UInt8] = {
        let body: [UInt8] = be16(18) + be16(3) + be32(3) + be16(16) + ascii("console-producer") + u8(0)
            + u8(18) + ascii("apache-kafka-java") + u8(6) + ascii("3.7.0") + u8(0)
        return be32(body.count) + body
    }()

    /// TDS PRELOGIN: VERSION, ENCRYPTION, INSTOPT, THREADID, MARS.
    static func tdsPrelogin(type: UInt8) -> [UInt8] {
        let table: [UInt8] = u8(0x00) + be16(26) + be16(6) + u8(0x01) + be16(32) + be16(1) + u8(0x02) + be16(33) + be16(1)
            + u8(0x03) + be16(34) + be16(4) + u8(0x04) + be16(38) + be16(1) + u8(0xFF)
        let data: [UInt8] = u8(0x0F, 0x00, 0x07, 0xD0, 0x00, 0x00) + u8(0x02) + u8(0x00) + u8(0x00, 0x00, 0x12, 0x34) + u8(0x00)
        let payload = table + data
        return u8(type, 0x01) + be16(8 + payload.count) + be16(0) + u8(0x01, 0x00) + payload
    }

    /// TDS SQL batch with ALL_HEADERS (transaction descriptor), `SELECT 1`.
    static let tdsBatch: [UInt8] = {
        let body: [UInt8] = le32(22) + le32(18) + le16(2) + zeros(8) + le32(1) + utf16("SELECT 1")
        return u8(0x01, 0x01) + be16(8 + body.count) + be16(0x0034) + u8(0x01, 0x00) + body
    }()

    /// TDS 7.1 SQL batch: UTF-16 text without ALL_HEADERS.
    static let tdsBatch71: [UInt8] = {
        let body = utf16("COMMIT TRANSACTION")
        return u8(0x01, 0x01) + be16(8 + body.count) + be16(0x0034) + u8(0x01, 0x00) + body
    }()

    /// TDS LOGIN7 (fixed part only) with TDS 7.4.
    static let tdsLogin7: [UInt8] = {
        let body: [UInt8] = le32(94) + u8(0x04, 0x00, 0x00, 0x74) + le32(4096) + zeros(94 - 12)
        return u8(0x10, 0x01) + be16(8 + body.count) + be16(0) + u8(0x01, 0x00) + body
    }()

    static let redisPing: [UInt8] = ascii("*1\r\n$4\r\nPING\r\n")
    static let redisSet: [UInt8] = ascii("*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n")

    /// SMB2 NEGOTIATE (five dialects) after a session header.
    static let smb2Negotiate: [UInt8] = {
        let header: [UInt8] = u8(0xFE) + ascii("SMB") + le16(64) + le16(0) + le32(0) + le16(0) + le16(1) + le32(0) + le32(0)
            + zeros(8) + le32(0) + le32(0) + zeros(8) + zeros(16)
        let negotiate: [UInt8] = le16(36) + le16(5) + le16(1) + le16(0) + le32(0x7F) + [UInt8](repeating: 0xAB, count: 16)
            + zeros(8) + le16(0x0202) + le16(0x0210) + le16(0x0300) + le16(0x0302) + le16(0x0311)
        let smb = header + negotiate
        return u8(0x00, UInt8(smb.count >> 16 & 0xFF)) + be16(smb.count & 0xFFFF) + smb
    }()

    /// SMB1 NEGOTIATE offering NT LM 0.12 and SMB 2.
    static let smb1Negotiate: [UInt8] = {
        let header: [UInt8] = u8(0xFF) + ascii("SMB") + u8(0x72) + le32(0) + u8(0x18) + le16(0xC853) + le16(0) + zeros(8)
            + le16(0) + le16(0) + le16(0xFEFF) + le16(0) + le16(0)
        let dialects: [UInt8] = u8(0x02) + ascii("NT LM 0.12") + u8(0) + u8(0x02) + ascii("SMB 2.002") + u8(0) + u8(0x02) + ascii("SMB 2.???") + u8(0)
        let smb = header + u8(0x00) + le16(dialects.count) + dialects
        return u8(0x00, 0x00) + be16(smb.count) + smb
    }()

    /// A NetBIOS name in first-level encoding: 32 letters `A`–`P` between `20` and `00`.
    static func netbiosName(_ name: String) -> [UInt8] {
        var raw = Array(name.utf8.prefix(15))
        while raw.count < 15 { raw.append(0x20) }
        raw.append(0x20)
        return u8(0x20) + raw.flatMap { c -> [UInt8] in [0x41 + (c >> 4), 0x41 + (c & 0x0F)] } + u8(0x00)
    }

    static let netbiosSessionRequest: [UInt8] = {
        let names = netbiosName("FILESERVER") + netbiosName("WORKSTATION")
        return u8(0x81, 0x00) + be16(names.count) + names
    }()

    /// ONC RPC call to NFS v3 GETATTR with AUTH_SYS (machine `werrmsche`).
    static let nfsCall: [UInt8] = {
        let credential: [UInt8] = be32(0x1234_5678) + be32(9) + ascii("werrmsche") + u8(0, 0, 0) + be32(0) + be32(0) + be32(0)
        return be32(0x5E1D_0BDC) + be32(0) + be32(2) + be32(100_003) + be32(3) + be32(1)
            + be32(1) + be32(credential.count) + credential + be32(0) + be32(0)
            + be32(32) + [UInt8](repeating: 0x42, count: 32)
    }()

    /// rpcbind/portmap GETPORT for mountd v3 over UDP.
    static let portmapCall: [UInt8] = be32(0x3843_4F69) + be32(0) + be32(2) + be32(100_000) + be32(2) + be32(3)
        + be32(0) + be32(0) + be32(0) + be32(0) + be32(100_005) + be32(3) + be32(17) + be32(0)

    static let rpcReply: [UInt8] = be32(0x5E1D_0BDC) + be32(1) + be32(0) + be32(0) + be32(0) + be32(0)

    static let rsyncGreeting: [UInt8] = ascii("@RSYNCD: 31.0\n")

    static let dropboxBroadcast: [UInt8] = ascii(#"{"host_int": 123456789012345678901234567890, "version": [2, 0], "displayname": "", "port": 17500, "namespaces": [1234567, 7654321]}"#)

    static let propfind: [UInt8] = ascii("PROPFIND /dav/ HTTP/1.1\r\nHost: files.example.com\r\nDepth: 1\r\nContent-Length: 0\r\n\r\n")

    // MARK: - MySQL

    @Test func mysqlRecognisesGreetingAndClientHandshake() {
        #expect(Self.run(MySQLDetector.self, Self.mysqlGreeting, source: 3306, destination: 50_000, fromInitiator: false).verdict == .detected(.mysql))
        #expect(Self.run(MySQLDetector.self, Self.mysqlSSLRequest, destination: 3306, index: 1).verdict == .detected(.mysql))
        #expect(Self.run(MySQLDetector.self, Self.mysqlHandshakeResponse, destination: 3306, index: 1).verdict == .detected(.mysql))
        // The TLS request and the ClientHello after it, reassembled.
        #expect(Self.run(MySQLDetector.self, Self.mysqlSSLRequest + Self.tlsHello, destination: 3306, reassembled: true).verdict == .detected(.mysql))
        #expect(Self.run(MySQLDetector.self, Self.mysqlErrorGreeting, source: 3306, destination: 50_000, fromInitiator: false).verdict == .detected(.mysql))
    }

    @Test func mysqlTurnsDownOthersAndBrokenGreetings() {
        for other in [Self.tlsHello, Self.httpGet, Self.pgStartup, Self.sshBanner] {
            #expect(Self.run(MySQLDetector.self, other, destination: 3306).verdict != .detected(.mysql))
        }
        var protocol9 = Self.mysqlGreeting
        protocol9[4] = 0x09
        #expect(Self.run(MySQLDetector.self, protocol9, source: 3306, destination: 50_000).verdict == .excluded)
        var letterVersion = Self.mysqlGreeting
        letterVersion[5] = 0x78  // "x.0.36"
        #expect(Self.run(MySQLDetector.self, letterVersion, source: 3306, destination: 50_000).verdict == .excluded)
        var reserved = Self.mysqlSSLRequest
        reserved[20] = 1
        #expect(Self.run(MySQLDetector.self, reserved, destination: 3306).verdict == .excluded)
        // The error greeting alone counts only on the MySQL port.
        #expect(Self.run(MySQLDetector.self, Self.mysqlErrorGreeting, source: 4000, destination: 50_000).verdict != .detected(.mysql))
        #expect(Self.run(MySQLDetector.self, Array(Self.mysqlGreeting.prefix(10)), source: 3306, destination: 50_000).verdict == .needMore)
    }

    // MARK: - PostgreSQL

    @Test func postgresqlRecognisesStartupAndEncryptionRequests() {
        #expect(Self.run(PostgreSQLDetector.self, Self.pgStartup, destination: 5432).verdict == .detected(.postgresql))
        #expect(Self.run(PostgreSQLDetector.self, Self.pgSSLRequest, destination: 5432).verdict == .detected(.postgresql))
        #expect(Self.run(PostgreSQLDetector.self, Self.pgGSSRequest, destination: 5432).verdict == .detected(.postgresql))
        // Off the port too, and the server's one-byte answer after the request.
        #expect(Self.run(PostgreSQLDetector.self, Self.pgStartup, destination: 15432).verdict == .detected(.postgresql))
        #expect(Self.run(PostgreSQLDetector.self, [0x4E], source: 5432, destination: 50_000, fromInitiator: false, index: 1).verdict
            == .detected(.postgresql))
    }

    @Test func postgresqlTurnsDownOthersAndBrokenStartups() {
        for other in [Self.tlsHello, Self.httpGet, Self.kafkaApiVersions, Self.mysqlGreeting, Self.sshBanner] {
            #expect(Self.run(PostgreSQLDetector.self, other, destination: 5432).verdict != .detected(.postgresql))
        }
        let noUser: [UInt8] = {
            let body: [UInt8] = Self.be32(0x0003_0000) + Self.ascii("database") + Self.u8(0) + Self.ascii("mailstore") + Self.u8(0) + Self.u8(0)
            return Self.be32(4 + body.count) + body
        }()
        #expect(Self.run(PostgreSQLDetector.self, noUser, destination: 5432).verdict == .excluded)
        var wrongMagic = Self.pgSSLRequest
        wrongMagic[7] = 0x31
        #expect(Self.run(PostgreSQLDetector.self, wrongMagic, destination: 5432).verdict == .excluded)
        var wrongLength = Self.pgStartup
        wrongLength[3] &+= 1
        #expect(Self.run(PostgreSQLDetector.self, wrongLength, destination: 5432).verdict != .detected(.postgresql))
        // A lone `N` opening a flow is nothing.
        #expect(Self.run(PostgreSQLDetector.self, [0x4E], source: 5432, destination: 50_000, fromInitiator: false).verdict == .excluded)
    }

    // MARK: - MongoDB

    @Test func mongodbRecognisesQueryMessageAndReply() {
        #expect(Self.run(MongoDBDetector.self, Self.mongoQuery, destination: 27017).verdict == .detected(.mongodb))
        #expect(Self.run(MongoDBDetector.self, Self.mongoMsg, destination: 30000).verdict == .detected(.mongodb))
        #expect(Self.run(MongoDBDetector.self, Self.mongoMsg + Self.mongoQuery, destination: 27017, reassembled: true).verdict == .detected(.mongodb))
        #expect(Self.run(MongoDBDetector.self, Self.mongoReply, source: 27017, destination: 50_000, fromInitiator: false, index: 1).verdict
            == .detected(.mongodb))
        // A reply from the initiator: a capture that began mid-flow.
        #expect(Self.run(MongoDBDetector.self, Self.mongoReply, source: 27017, destination: 50_000).verdict == .needMore)
    }

    @Test func mongodbTurnsDownOthersAndTheLengthTrap() {
        for other in [Self.tlsHello, Self.httpGet, Self.kafkaApiVersions, Self.smb2Negotiate] {
            #expect(Self.run(MongoDBDetector.self, other, destination: 27017).verdict != .detected(.mongodb))
        }
        // Another application's framing that an old rule took for an OP_REPLY.
        let trap: [UInt8] = [0x4B, 0x45, 0x00, 0x00, 0x02, 0x06, 0x01, 0x55, 0x00, 0x00, 0x03, 0x9E, 0x01, 0x00, 0x00, 0x00,
                             0x8F, 0xE0, 0xA8, 0xCF] + (0 ..< 918).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        #expect(Self.run(MongoDBDetector.self, trap, destination: 443).verdict == .excluded)
        var unusedOpcode = Self.mongoQuery
        unusedOpcode[12] = 0xD3  // 2003
        #expect(Self.run(MongoDBDetector.self, unusedOpcode, destination: 27017).verdict == .excluded)
        var noDot = Self.mongoQuery
        noDot[25] = 0x78  // "adminx$cmd"
        #expect(Self.run(MongoDBDetector.self, noDot, destination: 27017).verdict == .excluded)
        #expect(Self.run(MongoDBDetector.self, Array(Self.mongoMsg.prefix(24)), destination: 27017).verdict == .needMore)
    }

    // MARK: - Kafka

    @Test func kafkaRecognisesRequests() {
        #expect(Self.run(KafkaDetector.self, Self.kafkaApiVersions, destination: 9092).verdict == .detected(.kafka))
        #expect(Self.run(KafkaDetector.self, Self.kafkaApiVersionsV3, destination: 19092).verdict == .detected(.kafka))
        // Several requests in one reassembled buffer.
        #expect(Self.run(KafkaDetector.self, Self.kafkaApiVersions + Self.kafkaApiVersionsV3, destination: 9092, reassembled: true).verdict
            == .detected(.kafka))
        // A broker's response first (the capture began mid-flow): wait.
        let response: [UInt8] = Self.be32(12) + Self.be32(0x81) + Self.be16(0) + Self.be32(0) + Self.be16(0)
        #expect(Self.run(KafkaDetector.self, response, source: 9092, destination: 50_000).verdict == .needMore)
    }

    @Test func kafkaTurnsDownOthersAndBrokenRequests() {
        for other in [Self.tlsHello, Self.httpGet, Self.pgStartup, Self.smb1Negotiate, Self.mongoQuery] {
            #expect(Self.run(KafkaDetector.self, other, destination: 9092).verdict != .detected(.kafka))
        }
        var control = Self.kafkaApiVersions
        control[15] = 0x01  // a control byte in the client id
        #expect(Self.run(KafkaDetector.self, control, destination: 9092).verdict != .detected(.kafka))
        var version = Self.kafkaApiVersions
        version[7] = 99
        #expect(Self.run(KafkaDetector.self, version, destination: 9092).verdict != .detected(.kafka))
        #expect(Self.run(KafkaDetector.self, Array(Self.kafkaApiVersions.prefix(10)), destination: 9092).verdict == .needMore)
    }

    // MARK: - TDS

    @Test func tdsRecognisesPreloginBatchesAndLogin() {
        #expect(Self.run(TDSDetector.self, Self.tdsPrelogin(type: 0x12), destination: 1433).verdict == .detected(.tds))
        #expect(Self.run(TDSDetector.self, Self.tdsPrelogin(type: 0x04), source: 1433, destination: 50_000, fromInitiator: false, index: 1).verdict
            == .detected(.tds))
        #expect(Self.run(TDSDetector.self, Self.tdsBatch, destination: 1433).verdict == .detected(.tds))
        #expect(Self.run(TDSDetector.self, Self.tdsBatch71, destination: 1433).verdict == .detected(.tds))
        #expect(Self.run(TDSDetector.self, Self.tdsLogin7, destination: 1433).verdict == .detected(.tds))
        // TLS handshake carried in PRELOGIN packets (TDS 7.x encryption).
        let wrapped: [UInt8] = Self.u8(0x12, 0x01) + Self.be16(8 + Self.tlsHello.count) + Self.be16(0) + Self.u8(0x01, 0x00) + Self.tlsHello
        #expect(Self.run(TDSDetector.self, wrapped, destination: 1433).verdict == .detected(.tds))
    }

    @Test func tdsTurnsDownOthersAndBrokenPackets() {
        for other in [Self.tlsHello, Self.httpGet, Self.kafkaApiVersions, Self.redisPing] {
            #expect(Self.run(TDSDetector.self, other, destination: 1433).verdict != .detected(.tds))
        }
        // An RDP connection request on TPKT also starts `03 00`.
        let tpkt: [UInt8] = Self.u8(3, 0) + Self.be16(19) + Self.u8(14, 0xE0, 0, 0, 0, 0, 0) + Self.u8(1, 0, 8, 0, 3, 0, 0, 0)
        #expect(Self.run(TDSDetector.self, tpkt, destination: 3389).verdict == .excluded)
        var window = Self.tdsPrelogin(type: 0x12)
        window[7] = 1
        #expect(Self.run(TDSDetector.self, window, destination: 1433).verdict == .excluded)
        var versionLength = Self.tdsPrelogin(type: 0x12)
        versionLength[12] = 5
        #expect(Self.run(TDSDetector.self, versionLength, destination: 1433).verdict == .excluded)
        #expect(Self.run(TDSDetector.self, Array(Self.tdsPrelogin(type: 0x12).prefix(6)), destination: 1433).verdict == .needMore)
    }

    // MARK: - Redis

    @Test func redisRecognisesCommandsAndRepliesOnItsPort() {
        #expect(Self.run(RedisDetector.self, Self.redisPing, destination: 6379).verdict == .detected(.redis))
        #expect(Self.run(RedisDetector.self, Self.redisPing, destination: 7000).verdict == .detected(.redis))
        #expect(Self.run(RedisDetector.self, Self.redisSet, destination: 7000).verdict == .detected(.redis))
        #expect(Self.run(RedisDetector.self, Self.ascii("PING\r\n"), destination: 6379).verdict == .detected(.redis))
        #expect(Self.run(RedisDetector.self, Self.ascii("+PONG\r\n"), source: 6379, destination: 50_000, fromInitiator: false).verdict
            == .detected(.redis))
    }

    @Test func redisTurnsDownOthersAndBrokenCommands() {
        for other in [Self.tlsHello, Self.httpGet, Self.ascii("* OK IMAP4rev1 Service Ready\r\n"), Self.ascii("get foo\r\n")] {
            #expect(Self.run(RedisDetector.self, other, destination: 143).verdict != .detected(.redis))
        }
        #expect(Self.run(RedisDetector.self, Self.ascii("PING\r\n"), destination: 7000).verdict == .excluded)
        #expect(Self.run(RedisDetector.self, Self.ascii("*1\r\n$4\r\nP1NG\r\n"), destination: 7000).verdict == .excluded)
        #expect(Self.run(RedisDetector.self, Self.ascii("*1\r\n$4\r\nPI"), destination: 7000).verdict == .needMore)
    }

    // MARK: - SMB

    @Test func smbRecognisesNegotiatesAndSessionRequest() {
        #expect(Self.run(SMBDetector.self, Self.smb2Negotiate, destination: 445).verdict == .detected(.smb))
        #expect(Self.run(SMBDetector.self, Self.smb1Negotiate, destination: 445).verdict == .detected(.smb))
        #expect(Self.run(SMBDetector.self, Self.netbiosSessionRequest, destination: 139).verdict == .detected(.smb))
    }

    @Test func smbTurnsDownOthersAndBrokenHeaders() {
        for other in [Self.tlsHello, Self.httpGet, Self.kafkaApiVersions, Self.pgStartup] {
            #expect(Self.run(SMBDetector.self, other, destination: 445).verdict != .detected(.smb))
        }
        var notSMB = Self.smb2Negotiate
        notSMB[7] = 0x43  // "SMC"
        #expect(Self.run(SMBDetector.self, notSMB, destination: 445).verdict == .excluded)
        var structure = Self.smb2Negotiate
        structure[8] = 65
        #expect(Self.run(SMBDetector.self, structure, destination: 445).verdict == .excluded)
        let short: [UInt8] = Self.u8(0, 0, 0, 16) + Array(Self.smb2Negotiate[4 ..< 20])
        #expect(Self.run(SMBDetector.self, short, destination: 445).verdict == .excluded)
        var badName = Self.netbiosSessionRequest
        badName[10] = 0x5A  // 'Z' is outside the encoding
        #expect(Self.run(SMBDetector.self, badName, destination: 139).verdict == .excluded)
    }

    // MARK: - NFS / ONC RPC

    @Test func nfsRecognisesCallsOnUDPAndTCP() {
        #expect(Self.run(NFSDetector.self, Self.nfsCall, .udp, source: 1022, destination: 2049).verdict == .detected(.nfs))
        let record: [UInt8] = Self.be32(0x8000_0000 | Self.nfsCall.count) + Self.nfsCall
        #expect(Self.run(NFSDetector.self, record, .tcp, source: 900, destination: 2049).verdict == .detected(.nfs))
        #expect(Self.run(NFSDetector.self, Self.portmapCall, .udp, source: 3295, destination: 111).verdict == .detected(.nfs))
        #expect(Self.run(NFSDetector.self, Self.rpcReply, .udp, source: 2049, destination: 1022, fromInitiator: false, index: 1).verdict
            == .detected(.nfs))
    }

    @Test func nfsTurnsDownOthersAndBrokenCalls() {
        #expect(Self.run(NFSDetector.self, Self.dnsQuery, .udp, destination: 53).verdict == .excluded)
        for other in [Self.tlsHello, Self.httpGet, Self.smb2Negotiate, Self.kafkaApiVersions] {
            #expect(Self.run(NFSDetector.self, other, .tcp, destination: 2049).verdict != .detected(.nfs))
        }
        var program = Self.nfsCall
        program[15] = 0xC7  // 100039
        #expect(Self.run(NFSDetector.self, program, .udp, destination: 2049).verdict == .excluded)
        var rpcVersion = Self.nfsCall
        rpcVersion[11] = 3
        #expect(Self.run(NFSDetector.self, rpcVersion, .udp, destination: 2049).verdict == .excluded)
        let tinyRecord: [UInt8] = Self.be32(0x8000_0008) + Array(Self.nfsCall.prefix(8))
        #expect(Self.run(NFSDetector.self, tinyRecord, .tcp, destination: 2049).verdict == .excluded)
        #expect(Self.run(NFSDetector.self, Array(Self.nfsCall.prefix(30)), .udp, destination: 2049).verdict == .excluded)
        // A reply alone, off the NFS ports, waits for a call.
        #expect(Self.run(NFSDetector.self, Self.rpcReply, .udp, source: 40000, destination: 50_000).verdict == .needMore)
    }

    // MARK: - rsync

    @Test func rsyncRecognisesGreetings() {
        #expect(Self.run(RsyncDetector.self, Self.rsyncGreeting, destination: 873).verdict == .detected(.rsync))
        #expect(Self.run(RsyncDetector.self, Self.ascii("@RSYNCD: 31.0 sha512 sha256 sha1 md5 md4\n"), source: 873, destination: 50_000,
                         fromInitiator: false).verdict == .detected(.rsync))
        #expect(Self.run(RsyncDetector.self, Self.ascii("@RSYNCD: OK\n"), source: 873, destination: 50_000, fromInitiator: false).verdict
            == .detected(.rsync))
    }

    @Test func rsyncTurnsDownOthersAndBrokenGreetings() {
        for other in [Self.tlsHello, Self.httpGet, Self.sshBanner, Self.ascii("@ERROR: access denied\n"), Self.ascii("@RSYNCD:31.0\n")] {
            #expect(Self.run(RsyncDetector.self, other, destination: 873).verdict != .detected(.rsync))
        }
        #expect(Self.run(RsyncDetector.self, Self.ascii("@RSYNC"), destination: 873).verdict == .needMore)
        #expect(Self.run(RsyncDetector.self, Self.ascii("@RSYNCD: \n"), destination: 873).verdict == .excluded)
    }

    // MARK: - Dropbox LAN sync

    @Test func dropboxRecognisesDiscoveryBroadcast() {
        #expect(Self.run(DropboxDetector.self, Self.dropboxBroadcast, .udp, source: 17500, destination: 17500).verdict == .detected(.dropbox))
        // Off the port every key is asked for.
        #expect(Self.run(DropboxDetector.self, Self.dropboxBroadcast, .udp, source: 50_000, destination: 60_000).verdict == .detected(.dropbox))
    }

    @Test func dropboxTurnsDownCoAPAndOtherJSON() {
        // CoAP PUT to /r/Bus17Cmd on port 17500 carrying JSON: not Dropbox.
        let coap: [UInt8] = Self.u8(0x43, 0x03, 0x35, 0x01, 0x6F, 0x52, 0x4D, 0x72, 0x44, 0x5C, 0x41, 0x72, 0x08) + Self.ascii("Bus17Cmd")
            + Self.u8(0x11, 0x32, 0xFF) + Self.ascii(#"{"messageType":"UPDATE"}"#)
        #expect(Self.run(DropboxDetector.self, coap, .udp, source: 50_310, destination: 17500).verdict == .excluded)
        #expect(Self.run(DropboxDetector.self, Self.ascii(#"{"messageType":"UPDATE","messageContent":"x"}"#), .udp, source: 17500, destination: 17500).verdict
            == .excluded)
        #expect(Self.run(DropboxDetector.self, Self.ascii(#"{"host_"#), .udp, source: 17500, destination: 17500).verdict == .excluded)
        #expect(Self.run(DropboxDetector.self, Self.ascii(#"{"host_int": 1, "x": 2222222222}"#), .udp, source: 50_000, destination: 60_000).verdict
            == .excluded)
        #expect(Self.run(DropboxDetector.self, Self.dnsQuery, .udp, source: 17500, destination: 17500).verdict == .excluded)
    }

    // MARK: - WebDAV

    @Test func webdavRecognisesDAVMethodsAndNamesTheHost() {
        let propfind = Self.run(WebDAVDetector.self, Self.propfind, destination: 80)
        #expect(propfind.verdict == .detected(.webdav))
        #expect(propfind.findings.hostname == "files.example.com")
        let mkcol = Self.run(WebDAVDetector.self, Self.ascii("MKCOL /dav/new/ HTTP/1.1\r\nHost: files.example.com:8443\r\n\r\n"), destination: 8443)
        #expect(mkcol.verdict == .detected(.webdav))
        #expect(mkcol.findings.hostname == "files.example.com")
        for method in ["PROPPATCH", "COPY", "MOVE", "LOCK", "UNLOCK", "REPORT", "SEARCH"] {
            let request = Self.ascii("\(method) /dav/a.txt HTTP/1.1\r\nHost: files.example.com\r\n\r\n")
            #expect(Self.run(WebDAVDetector.self, request, destination: 80).verdict == .detected(.webdav), "\(method)")
        }
    }

    @Test func webdavRecognisesPlainRequestsWithDAVEvidence() {
        let get = Self.ascii("GET /dav/report.docx HTTP/1.1\r\nHost: files.example.com\r\nTranslate: f\r\n"
            + "User-Agent: Microsoft-WebDAV-MiniRedir/10.0.19045\r\n\r\n")
        let outcome = Self.run(WebDAVDetector.self, get, destination: 80)
        #expect(outcome.verdict == .detected(.webdav))
        #expect(outcome.findings.hostname == "files.example.com")
        let options = Self.ascii("OPTIONS /dav/ HTTP/1.1\r\nHost: files.example.com\r\nUser-Agent: davfs2/1.7.0 neon/0.32.5\r\n\r\n")
        #expect(Self.run(WebDAVDetector.self, options, destination: 80).verdict == .detected(.webdav))
        let multiStatus = Self.ascii("HTTP/1.1 207 Multi-Status\r\nContent-Type: text/xml\r\n\r\n")
        #expect(Self.run(WebDAVDetector.self, multiStatus, source: 80, destination: 50_000).verdict == .detected(.webdav))
    }

    @Test func webdavWaitsForTheHostBriefly() {
        let head = Self.ascii("PROPFIND /dav/ HTTP/1.1\r\nDepth: 1\r\n")
        #expect(Self.run(WebDAVDetector.self, head, destination: 80).verdict == .needMore)
        #expect(Self.run(WebDAVDetector.self, head, destination: 80, index: 3).verdict == .detected(.webdav))
        #expect(Self.run(WebDAVDetector.self, Self.ascii("PROPF"), destination: 80).verdict == .needMore)
    }

    @Test func webdavTurnsDownPlainHTTPAndLookalikes() {
        for other in [Self.tlsHello, Self.httpGet, Self.sshBanner, Self.redisPing,
                      Self.ascii("PROPFINDX / HTTP/1.1\r\nHost: a\r\n\r\n"),
                      Self.ascii("PROPFIND /dav/ FTP/1.0\r\n\r\n"),
                      Self.ascii("COPYRIGHT 2024\r\n"),
                      Self.ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")] {
            #expect(Self.run(WebDAVDetector.self, other, destination: 80).verdict != .detected(.webdav))
        }
        #expect(Self.run(WebDAVDetector.self, Self.httpGet, destination: 80).verdict == .excluded)
    }

    // MARK: - No detector here claims another's sample

    struct Sample: Sendable, CustomTestStringConvertible {
        var detector: any ProtocolDetector.Type
        var bytes: [UInt8]
        var transport: Transport
        var ports: (source: UInt16, destination: UInt16)
        var fromInitiator = true
        var index = 0
        var testDescription: String { "\(detector) sample of \(bytes.count) bytes" }
    }

    static let detectors: [any ProtocolDetector.Type] = [
        MySQLDetector.self, PostgreSQLDetector.self, MongoDBDetector.self, KafkaDetector.self, TDSDetector.self, RedisDetector.self,
        SMBDetector.self, NFSDetector.self, RsyncDetector.self, DropboxDetector.self, WebDAVDetector.self,
    ]

    static let samples: [Sample] = [
        Sample(detector: MySQLDetector.self, bytes: mysqlGreeting, transport: .tcp, ports: (3306, 50_000), fromInitiator: false),
        Sample(detector: MySQLDetector.self, bytes: mysqlSSLRequest, transport: .tcp, ports: (50_000, 3306), index: 1),
        Sample(detector: MySQLDetector.self, bytes: mysqlHandshakeResponse, transport: .tcp, ports: (50_000, 3306), index: 1),
        Sample(detector: PostgreSQLDetector.self, bytes: pgStartup, transport: .tcp, ports: (50_000, 5432)),
        Sample(detector: PostgreSQLDetector.self, bytes: pgSSLRequest, transport: .tcp, ports: (50_000, 5432)),
        Sample(detector: MongoDBDetector.self, bytes: mongoQuery, transport: .tcp, ports: (50_000, 27017)),
        Sample(detector: MongoDBDetector.self, bytes: mongoMsg, transport: .tcp, ports: (50_000, 27017)),
        Sample(detector: MongoDBDetector.self, bytes: mongoReply, transport: .tcp, ports: (27017, 50_000), fromInitiator: false, index: 1),
        Sample(detector: KafkaDetector.self, bytes: kafkaApiVersions, transport: .tcp, ports: (50_000, 9092)),
        Sample(detector: KafkaDetector.self, bytes: kafkaApiVersionsV3, transport: .tcp, ports: (50_000, 9092)),
        Sample(detector: TDSDetector.self, bytes: tdsPrelogin(type: 0x12), transport: .tcp, ports: (50_000, 1433)),
        Sample(detector: TDSDetector.self, bytes: tdsBatch, transport: .tcp, ports: (50_000, 1433)),
        Sample(detector: TDSDetector.self, bytes: tdsBatch71, transport: .tcp, ports: (50_000, 1433)),
        Sample(detector: TDSDetector.self, bytes: tdsLogin7, transport: .tcp, ports: (50_000, 1433)),
        Sample(detector: RedisDetector.self, bytes: redisPing, transport: .tcp, ports: (50_000, 6379)),
        Sample(detector: RedisDetector.self, bytes: redisSet, transport: .tcp, ports: (50_000, 6379)),
        Sample(detector: SMBDetector.self, bytes: smb2Negotiate, transport: .tcp, ports: (50_000, 445)),
        Sample(detector: SMBDetector.self, bytes: smb1Negotiate, transport: .tcp, ports: (50_000, 445)),
        Sample(detector: SMBDetector.self, bytes: netbiosSessionRequest, transport: .tcp, ports: (50_000, 139)),
        Sample(detector: NFSDetector.self, bytes: nfsCall, transport: .udp, ports: (1022, 2049)),
        Sample(detector: NFSDetector.self, bytes: be32(0x8000_0000 | nfsCall.count) + nfsCall, transport: .tcp, ports: (900, 2049)),
        Sample(detector: NFSDetector.self, bytes: portmapCall, transport: .udp, ports: (3295, 111)),
        Sample(detector: RsyncDetector.self, bytes: rsyncGreeting, transport: .tcp, ports: (50_000, 873)),
        Sample(detector: DropboxDetector.self, bytes: dropboxBroadcast, transport: .udp, ports: (17500, 17500)),
        Sample(detector: WebDAVDetector.self, bytes: propfind, transport: .tcp, ports: (50_000, 80)),
    ]

    @Test(arguments: samples)
    func eachSampleIsItsDetectorsAlone(_ s: Sample) {
        let own = Self.run(s.detector, s.bytes, s.transport, source: s.ports.source, destination: s.ports.destination,
                           fromInitiator: s.fromInitiator, index: s.index)
        #expect(own.verdict == .detected(s.detector.app))
        for other in Self.detectors where other != s.detector && other.transports.contains(s.transport) {
            let v = Self.run(other, s.bytes, s.transport, source: s.ports.source, destination: s.ports.destination,
                             fromInitiator: s.fromInitiator, index: s.index).verdict
            if case let .detected(app) = v { Issue.record("\(other) claims the \(s.detector) sample as \(app)") }
        }
    }

    // MARK: - Mutations: nothing may crash

    typealias Mutator = XorShift

    struct Corpus: Sendable, CustomTestStringConvertible {
        var detector: any ProtocolDetector.Type
        var samples: [[UInt8]]
        var port: UInt16
        var testDescription: String { "\(detector)" }
    }

    static let corpora: [Corpus] = [
        Corpus(detector: MySQLDetector.self, samples: [mysqlGreeting, mysqlSSLRequest, mysqlHandshakeResponse, mysqlErrorGreeting], port: 3306),
        Corpus(detector: PostgreSQLDetector.self, samples: [pgStartup, pgSSLRequest, [0x4E]], port: 5432),
        Corpus(detector: MongoDBDetector.self, samples: [mongoQuery, mongoMsg, mongoReply], port: 27017),
        Corpus(detector: KafkaDetector.self, samples: [kafkaApiVersions, kafkaApiVersionsV3, kafkaApiVersions + kafkaApiVersionsV3], port: 9092),
        Corpus(detector: TDSDetector.self, samples: [tdsPrelogin(type: 0x12), tdsPrelogin(type: 0x04), tdsBatch, tdsBatch71, tdsLogin7], port: 1433),
        Corpus(detector: RedisDetector.self, samples: [redisPing, redisSet, ascii("PING\r\n"), ascii("$-1\r\n")], port: 6379),
        Corpus(detector: SMBDetector.self, samples: [smb2Negotiate, smb1Negotiate, netbiosSessionRequest], port: 445),
        Corpus(detector: NFSDetector.self, samples: [nfsCall, be32(0x8000_0000 | nfsCall.count) + nfsCall, portmapCall, rpcReply], port: 2049),
        Corpus(detector: RsyncDetector.self, samples: [rsyncGreeting], port: 873),
        Corpus(detector: DropboxDetector.self, samples: [dropboxBroadcast], port: 17500),
        Corpus(detector: WebDAVDetector.self, samples: [propfind, ascii("HTTP/1.1 207 Multi-Status\r\nDAV: 1,2\r\n\r\n")], port: 80),
    ]

    static func exercise(_ d: any ProtocolDetector.Type, _ bytes: [UInt8], port: UInt16) {
        bytes.withUnsafeBytes { b in
            for transport in d.transports {
                for fromInitiator in [true, false] {
                    for index in [0, 1, 4] {
                        for ports in [(UInt16(50_000), port), (port, UInt16(50_000)), (port, port)] {
                            var findings = DetectorFindings()
                            let view = PayloadView(bytes: b, transport: transport, fromInitiator: fromInitiator, sourcePort: ports.0,
                                                   destinationPort: ports.1, index: index, reassembled: index == 0)
                            _ = d.inspect(view, &findings)
                        }
                    }
                }
            }
        }
    }

    @Test(arguments: corpora)
    func truncatedAndBitFlippedInputNeverCrashes(_ c: Corpus) {
        var m = Mutator(state: 0x9E37_79B9_7F4A_7C15 ^ UInt64(c.port))
        for sample in c.samples {
            // Every truncation.
            for cut in 0 ... sample.count { Self.exercise(c.detector, Array(sample[..<cut]), port: c.port) }
            guard !sample.isEmpty else { continue }
            // Random bit flips, whole and cut short.
            for _ in 0 ..< 300 {
                var v = sample
                for _ in 0 ..< 1 + Int(m.next() % 4) { v[Int(m.next() % UInt64(v.count))] ^= UInt8(1 << (m.next() % 8)) }
                Self.exercise(c.detector, v, port: c.port)
                Self.exercise(c.detector, Array(v[..<Int(m.next() % UInt64(v.count + 1))]), port: c.port)
            }
            // Length-looking early bytes set to extremes.
            for position in 0 ..< min(sample.count, 24) {
                for value: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
                    var v = sample
                    v[position] = value
                    Self.exercise(c.detector, v, port: c.port)
                }
            }
        }
    }
}
