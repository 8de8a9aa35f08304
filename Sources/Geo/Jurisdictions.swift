/// The data file of jurisdiction groups and geo regions: which countries each group
/// given as a home (`--home EEA`) stands for, and which countries each region code of
/// the geo data (`EU`, `AP` ...) may mean. Each entry names its source.
public enum Jurisdictions {
    public struct Group: Sendable {
        public let code: String
        public let name: String
        public let members: [String]
        public let source: String
    }

    /// Groups a home may be given as; a transfer inside the group is not cross-border.
    public static let groups: [Group] = [
        Group(code: "EU", name: "European Union", members: euMembers,
              source: "the 27 member states, Treaty on European Union art. 52 (as of 2026)"),
        Group(code: "EEA", name: "European Economic Area", members: (euMembers + ["IS", "LI", "NO"]).sorted(),
              source: "the EU member states with Iceland, Liechtenstein and Norway, EEA Agreement (as of 2026)"),
        Group(code: "ASEAN", name: "Association of Southeast Asian Nations", members: aseanMembers,
              source: "the 11 member states, Timor-Leste admitted on 26 October 2025 (asean.org)"),
        Group(code: "APEC-PILOT", name: "pilot economies of the APEC IoT data security and interoperability guidance",
              members: (["CN", "JP", "KR", "MX"] + aseanMembers).sorted(),
              source: "China, Japan, Korea, the ASEAN members and Mexico, as the guidance names its pilot economies"),
    ]

    static let euMembers = words("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK")
    static let aseanMembers = words("BN ID KH LA MM MY PH SG TH TL VN")

    public static func group(_ code: String) -> Group? { groups.first { $0.code == code } }

    /// A code of the geo data that is not a country: the countries an address so placed
    /// may be in. A server in a region is abroad only when no home country is among them.
    public struct Region: Sendable {
        public let code: String
        public let name: String
        public let members: [String]
    }

    /// The region and legacy codes Debian's tor-geoipdb (IPFire location data) uses, and
    /// the MaxMind-format databases: a registry's service region for addresses it gave out
    /// without a country, and codes ISO 3166-1 reserves for countries that split or renamed.
    public static let regions: [Region] = [
        Region(code: "EU", name: "Europe (the RIPE NCC region: Europe, the Middle East and Central Asia)",
               members: words("""
               AD AE AL AM AT AX AZ BA BE BG BH BY CH CY CZ DE DK EE ES FI FO FR GB GE GG GI GL GR HR HU IE IL IM IQ IR \
               IS IT JE JO KG KW KZ LB LI LT LU LV MC MD ME MK MT NL NO OM PL PS PT QA RO RS RU SA SE SI SJ SK SM SY TJ \
               TM TR UA UZ VA YE
               """)),
        Region(code: "AP", name: "Asia-Pacific (the APNIC region)",
               members: words("""
               AF AS AU BD BN BT CC CK CN CX FJ FM GU HK ID IN IO JP KH KI KP KR LA LK MH MM MN MO MP MV MY NC NF NP NR \
               NU NZ PF PG PH PK PN PW SB SG TH TK TL TO TV TW VN VU WF WS
               """)),
        Region(code: "UK", name: "United Kingdom (ISO 3166-1 reserves UK for GB)", members: ["GB"]),
        Region(code: "AN", name: "Netherlands Antilles (dissolved 2010: BQ, CW, SX)", members: ["BQ", "CW", "SX"]),
        Region(code: "CS", name: "Serbia and Montenegro (dissolved 2006: RS, ME)", members: ["ME", "RS"]),
    ]

    public static func region(_ code: String) -> Region? { regions.first { $0.code == code } }

    /// Home codes as given (countries or groups) made into the countries they stand for,
    /// sorted; or the first code that is neither.
    public static func expandHome(_ codes: [String]) -> Result<[String], UnknownCode> {
        var out = Set<String>()
        for c in codes {
            if let g = group(c) { out.formUnion(g.members) } else if ISO3166.isAssigned(c) { out.insert(c) } else {
                return .failure(UnknownCode(code: c))
            }
        }
        return .success(out.sorted())
    }

    public struct UnknownCode: Error, Sendable { public let code: String }

    static func words(_ s: String) -> [String] { s.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init).sorted() }
}
