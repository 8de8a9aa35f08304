import ServerRegistry

/// The remote-maintenance log as a retained record: CSV rows, each ending in a SHA-256
/// chained over the previous row's, so an edited, dropped or reordered row breaks the
/// chain at its line; appended runs add only the sessions not already in the file.
public enum MaintenanceLog {
    public static let columns = "start,end,device,remote_address,remote_port,country,app,bytes_to_remote,bytes_from_remote,registry_entry,hostname,direction,device_mac,device_vendor,device_name"
    public static let header = columns + ",sha256"
    /// What the first row chains to.
    public static let genesis = String(repeating: "0", count: 64)

    /// One row's hash: SHA-256 of the previous row's hash, a newline, and the row's text
    /// without its own hash.
    public static func link(_ previous: String, _ row: String) -> String {
        let text = previous + "\n" + row
        return Array(text.utf8).withUnsafeBytes { RegistryDigest.sha256($0) } ?? genesis
    }

    /// A session's identity across runs: start, device, remote address and port, app.
    public static func key(start: String, device: String, remote: String, port: String, app: String) -> String {
        [start, device, remote, port, app].joined(separator: "|")
    }

    /// Rows chained after `previous`, leaving out the sessions `known` holds (and
    /// repeats within `rows`): the text to write, the last hash, and how many rows.
    public static func chain(_ rows: [(key: String, text: String)], after previous: String, known: Set<String> = [])
        -> (text: String, last: String, count: Int) {
        var out = "", last = previous, seen = known, count = 0
        for r in rows where seen.insert(r.key).inserted {
            last = link(last, r.text)
            out += r.text + "," + last + "\n"
            count += 1
        }
        return (out, last, count)
    }

    /// What a verified log holds: its sessions' keys and the last hash to chain to.
    public struct Verified: Sendable, Equatable {
        public var rows = 0
        public var last = MaintenanceLog.genesis
        public var keys: Set<String> = []
    }

    public struct Broken: Error, Sendable, Equatable, CustomStringConvertible {
        /// The line (1 is the header) where the record that broke the chain starts.
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Checks the header and every row's hash; the first failure names its line.
    public static func verify(_ text: String) -> Result<Verified, Broken> {
        var v = Verified()
        let records = split(text)
        guard let first = records.first, first.text == header else {
            return .failure(Broken(line: 1, message: "not a borderflow maintenance log with a sha256 column (header `\(header)`)"))
        }
        for r in records.dropFirst() {
            guard let comma = r.text.lastIndex(of: ","), r.text.distance(from: comma, to: r.text.endIndex) == 65 else {
                return .failure(Broken(line: r.line, message: "a row without its sha256"))
            }
            let body = String(r.text[..<comma]), hash = String(r.text[r.text.index(after: comma)...])
            guard link(v.last, body) == hash else {
                return .failure(Broken(line: r.line, message: "the row's sha256 does not follow the previous row: this row or one before it was edited, dropped or reordered"))
            }
            let f = fields(body)
            guard f.count == 15 else { return .failure(Broken(line: r.line, message: "\(f.count) columns, not 15")) }
            v.keys.insert(key(start: f[0], device: f[2], remote: f[3], port: f[4], app: f[6]))
            v.last = hash
            v.rows += 1
        }
        return .success(v)
    }

    /// CSV records with the line each starts on: a quoted field may hold commas,
    /// newlines and doubled quotes.
    static func split(_ text: String) -> [(line: Int, text: String)] {
        var out: [(Int, String)] = []
        var current = "", quoted = false, line = 1, start = 1
        for c in text {
            if c == "\"" { quoted.toggle() }
            if c == "\n", !quoted {
                out.append((start, current))
                current = ""
                line += 1
                start = line
                continue
            }
            if c == "\n" { line += 1 }
            current.append(c)
        }
        if !current.isEmpty { out.append((start, current)) }
        return out
    }

    /// A record's fields, unquoted.
    static func fields(_ record: String) -> [String] {
        var out: [String] = [], field = "", quoted = false, previousQuote = false
        for c in record {
            if c == "\"" {
                if quoted { quoted = false; previousQuote = true; continue }
                if previousQuote { field.append("\""); previousQuote = false; quoted = true; continue }
                quoted = true
                continue
            }
            previousQuote = false
            if c == ",", !quoted { out.append(field); field = ""; continue }
            field.append(c)
        }
        out.append(field)
        return out
    }
}
