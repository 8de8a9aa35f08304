import Geo
import Networks
import Policy
import Verdicts
import WireBytes

/// What a report says of a finding's server beyond its address: who runs it, and
/// why its country may not be where it stands. Every format says the same.
enum ServerNotes {
    static let anycastNote = "anycast: the serving location is not determined by the address"

    /// Why the country is not simply a country: a region code of the geo data, or an
    /// anycast network. Nil when the country is a country and the network is not anycast.
    static func countryNote(_ f: Finding, _ network: NetworkInfo?) -> String? {
        var notes: [String] = []
        if let c = f.country, let region = Jurisdictions.region(c), region.members.count > 1 {
            notes.append(f.rule == .unknownDestination
                ? "region \(region.name): it holds a home country as well as others, so the destination is undetermined"
                : "region \(region.name), not a country; no home country is in it")
        }
        if network?.anycast == true { notes.append(anycastNote) }
        return notes.isEmpty ? nil : notes.joined(separator: "; ")
    }

    /// "US (anycast: ...)", "EU (region ...)", "US", or `none` when unplaced.
    static func countryText(_ f: Finding, _ network: NetworkInfo?, none: String) -> String {
        guard let c = f.country else { return none }
        return countryNote(f, network).map { "\(c) (\($0))" } ?? c
    }

    /// The `server` members a network adds: `asn`, `asName`, `network`, `anycast` (and
    /// the satellite and anonymous-proxy flags, present only when set).
    static func jsonMembers(_ n: NetworkInfo?) -> [(String, JSON)] {
        guard let n else { return [] }
        var out: [(String, JSON)] = [
            ("asn", n.asn.map { .int(Int($0)) } ?? .null),
            ("asName", .optional(n.asName)),
            ("network", .optional(n.network)),
            ("anycast", .bool(n.anycast)),
        ]
        if n.satellite { out.append(("satellite", .bool(true))) }
        if n.anonymousProxy { out.append(("anonymousProxy", .bool(true))) }
        return out
    }
}
