import Testing
import WireBytes

@Suite struct ByteCountTests {
    @Test func sizesAsPeopleWriteThem() {
        #expect(ByteCount.parse("65536") == 65536)
        #expect(ByteCount.parse("64K") == 64 << 10)
        #expect(ByteCount.parse("64k") == 64 << 10)
        #expect(ByteCount.parse("8M") == 8 << 20)
        #expect(ByteCount.parse("32MiB") == 32 << 20)
        #expect(ByteCount.parse("1G") == 1 << 30)
        #expect(ByteCount.parse("1GB") == 1 << 30)
        #expect(ByteCount.parse("2T") == 2 << 40)
    }

    @Test func fractionsAndLowerCaseMOnlyWhereAsked() {
        // Elsewhere a lower-case m is minutes (rotation), so a size never takes it unasked.
        #expect(ByteCount.parse("15m") == nil)
        #expect(ByteCount.parse("15m", fractions: true) == 15 << 20)
        #expect(ByteCount.parse("1.5G") == nil)
        #expect(ByteCount.parse("1.5G", fractions: true) == 3 << 29)
        #expect(ByteCount.parse("0.5K", fractions: true) == 512)
    }

    @Test func nonsenseIsRefused() {
        for bad in ["", "K", "-5M", "10x", "1e3", "inf", "1..5G", "99999999999999999999G", "9999999999T"] {
            #expect(ByteCount.parse(bad) == nil, "\(bad)")
            #expect(ByteCount.parse(bad, fractions: true) == nil, "\(bad)")
        }
    }
}
