import CaptureFormats
import WireBytes

/// Every geo source named, compiled at start into one immutable lookup structure
/// shared read-only by all workers. Earlier sources win.
public struct GeoDatabase: Sendable {
    public let table: RangeTable
    /// What was loaded, for reports: path and number of ranges.
    public let sources: [(path: String, ranges: Int)]

    public init(table: RangeTable, sources: [(path: String, ranges: Int)]) {
        self.table = table
        self.sources = sources
    }

    public func country(for a: IPAddress) -> CountryCode? { table.country(for: a) }

    /// Loads files (plain or gzip-compressed; the content says which).
    public static func load(paths: [String]) throws(GeoLoadError) -> GeoDatabase {
        var builder = RangeTableBuilder()
        var sources: [(String, Int)] = []
        for path in paths {
            let before = builder.entries.count
            if let file = try? MappedFile(path: path), looksLikeMMDB(file.bytes) {
                let db = try MaxMindDB(file: file)
                try db.ranges(into: &builder)
                if let at = file.shrankAt {
                    throw GeoLoadError(file: path, line: 0, message: "the file shrank to \(at) bytes while it was read; load it again once it is complete")
                }
                sources.append((path, builder.entries.count - before))
                builder.nextSource()
                continue
            }
            let bytes = try readAll(path)
            let failure: GeoLoadError? = bytes.withUnsafeBytes { b in
                do { try TextGeoSource.load(b, file: path, into: &builder) } catch let e as GeoLoadError { return e } catch { return GeoLoadError(file: path, line: 0, message: "\(error)") }
                return nil
            }
            if let failure { throw failure }
            sources.append((path, builder.entries.count - before))
            builder.nextSource()
        }
        return GeoDatabase(table: builder.build(), sources: sources)
    }

    static func looksLikeMMDB(_ b: UnsafeRawBufferPointer) -> Bool {
        // The metadata marker "\xAB\xCD\xEFMaxMind.com" sits near the end of the file.
        let marker: [UInt8] = [0xAB, 0xCD, 0xEF] + Array("MaxMind.com".utf8)
        let tail = max(0, b.count - 128 * 1024)
        var i = b.count - marker.count
        while i >= tail {
            if b[i] == 0xAB, b[i + 1] == 0xCD, (0 ..< marker.count).allSatisfy({ b[i + $0] == marker[$0] }) { return true }
            i -= 1
        }
        return false
    }

    /// The whole file, decompressed if it is gzip.
    static func readAll(_ path: String) throws(GeoLoadError) -> [UInt8] {
        let file: MappedFile
        do { file = try MappedFile(path: path) } catch { throw GeoLoadError(file: path, line: 0, message: error.description) }
        let b = file.bytes
        if b.count >= 2, b[0] == 0x1F, b[1] == 0x8B {
            do {
                let stream = StreamSource(filler: try GzipFiller(input: BufferSource(file: file)))
                var out: [UInt8] = []
                while true {
                    let w = try stream.peek(atLeast: 1)
                    if w.isEmpty { break }
                    out.append(contentsOf: w)
                    stream.advance(w.count)
                }
                if let e = stream.endProblem { throw e }
                return out
            } catch {
                throw GeoLoadError(file: path, line: 0, message: "gzip: \(error)")
            }
        }
        let copy = Array(b)
        if let at = file.shrankAt {
            throw GeoLoadError(file: path, line: 0, message: "the file shrank to \(at) bytes while it was read; load it again once it is complete")
        }
        return copy
    }
}
