import Live
import Testing
import WireBytes

@Suite struct RotationTests {
    @Test func sizesAndTimes() {
        #expect(Rotation("100M") == .size(100 << 20))
        #expect(Rotation("100MB") == .size(100 << 20))
        #expect(Rotation("2G") == .size(2 << 30))
        #expect(Rotation("512K") == .size(512 << 10))
        #expect(Rotation("4096") == .size(4096))
        #expect(Rotation("15m") == .time(15 * 60 * 1_000_000_000))
        #expect(Rotation("1h") == .time(3600 * 1_000_000_000))
        #expect(Rotation("30s") == .time(30 * 1_000_000_000))
        #expect(Rotation("1d") == .time(86400 * 1_000_000_000))
    }

    @Test func nonsenseIsRefused() {
        for bad in ["", "M", "m", "0", "0m", "-5M", "10x", "1.5G", "99999999999999999999G", "9999999999999999d"] {
            #expect(Rotation(bad) == nil, "\(bad)")
        }
    }

    @Test func bufferSizes() {
        #expect(ByteCount.parse("64M") == 64 << 20)
        #expect(ByteCount.parse("8MiB") == 8 << 20)
        #expect(ByteCount.parse("65536") == 65536)
        #expect(ByteCount.parse("big") == nil)
    }
}
