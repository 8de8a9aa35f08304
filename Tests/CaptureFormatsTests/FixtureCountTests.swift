import CaptureFormats
import Foundation
import Testing
import TestSupport

/// Every capture under ../shared/fixtures gives exactly the packet count capinfos gave
/// (files.tsv), with no error; the legacy-LZ4 file is refused with a clear message.
@Suite(.enabled(if: Fixtures.available, Fixtures.skipMessage))
struct FixtureCountTests {
    struct Row: CustomTestStringConvertible, Sendable {
        let path: String
        let packets: Int
        var testDescription: String { path }
    }

    static let rows: [Row] = {
        guard let text = try? String(contentsOfFile: Fixtures.root + "/files.tsv", encoding: .utf8) else { return [] }
        return text.split(separator: "\n").dropFirst().compactMap { line in
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 10, let n = Int(f[9]) else { return nil }
            return Row(path: String(f[0]), packets: n)
        }
    }()

    @Test func manifestListsCaptures() {
        #expect(Self.rows.count > 200)
    }

    @Test(arguments: rows)
    func packetCountMatchesCapinfos(_ row: Row) throws {
        var reader = try CaptureReader.open(path: Fixtures.root + "/" + row.path)
        var n = 0
        while reader.next() != nil { n += 1 }
        #expect(n == row.packets)
        let hasErrors = reader.hasErrors
        #expect(!hasErrors, "\(reader.problems)")
    }

    @Test func legacyLZ4IsRefusedClearly() {
        #expect(throws: CaptureOpenError.self) {
            _ = try CaptureReader.open(path: Fixtures.root + "/compressed/dnp3.pcap.legacy.lz4")
        }
        do {
            _ = try CaptureReader.open(path: Fixtures.root + "/compressed/dnp3.pcap.legacy.lz4")
        } catch {
            #expect("\(error)".contains("legacy LZ4"))
        }
    }
}
