import Networks
import Reporting
import WireBytes

/// Who-runs-the-server data for a report: the ASN databases the user gives (`--asn`),
/// then the IPFire location database through libloc when it is installed.
public enum NetworkSetup {
    /// `paths`: MaxMind-format ASN databases or libloc databases, asked in order; `off`
    /// alone turns network data off. A given file that cannot be read is an error naming
    /// it; a missing default database is a note (AS data is off) with how to install it.
    public static func load(paths: [String]) throws(SetupError) -> (NetworkDirectory, notes: [String]) {
        if paths == ["off"] { return (NetworkDirectory(sources: []), []) }
        var sources: [any NetworkLookup] = []
        for p in paths {
            do { sources.append(try MaxMindASN(path: p)) } catch let mmdb {
                // Not a MaxMind DB: perhaps a libloc database given by path.
                guard let loc = try? LocationDatabase(path: p) else {
                    throw SetupError("--asn \(VisibleText.escape(mmdb.description)) (expected a MaxMind-format ASN database or a libloc location database)")
                }
                sources.append(loc)
            }
        }
        var notes: [String] = []
        switch LocationDatabase.openDefault() {
        case .success(let db): sources.append(db)
        case .failure(let why):
            notes.append("AS data is off (\(VisibleText.escape(why.description))): install Debian's libloc-database (scripts/install-deps.sh), or give --asn FILE")
        }
        return (NetworkDirectory(sources: sources), notes)
    }

    /// The OUI registry for device vendors: `path` (an error when it cannot be read),
    /// `off` for none, else the default file when it is there (none, quietly, when not).
    /// `wanted`: the Ethernet addresses a report shows (only their blocks are kept).
    public static func vendors(path: String?, wanted: Set<UInt64>? = nil) throws(SetupError) -> OUIRegistry? {
        if path == "off" { return nil }
        switch OUIRegistry.load(path: path ?? OUIRegistry.defaultPath, wanted: wanted) {
        case .success(let r): return r
        case .failure(let why):
            if path == nil { return nil }
            throw SetupError("--oui \(VisibleText.escape(why.description)) (expected Wireshark's manuf file)")
        }
    }
}
