/// Sizes as people write them on a command line or in a config: `65536`, `64K`, `8M`,
/// `1G`, `32MiB` (powers of 1024; a lower-case `m` is minutes elsewhere, so not here).
/// The one parser every option that takes a size uses. `fractions`: also `1.5G` and a
/// lower-case `m` (for options where no unit of time can be meant, `synth --size`).
public enum ByteCount {
    public static func parse(_ text: String, fractions: Bool = false) -> Int? {
        var s = Substring(text)
        if s.hasSuffix("iB") { s = s.dropLast(2) } else if s.hasSuffix("B") { s = s.dropLast() }
        guard let last = s.last else { return nil }
        let shift: Int
        switch last {
        case "K", "k": shift = 10
        case "M": shift = 20
        case "m" where fractions: shift = 20
        case "G", "g": shift = 30
        case "T", "t": shift = 40
        case "0" ... "9": shift = 0
        default: return nil
        }
        if shift > 0 { s = s.dropLast() }
        if let n = Int(s) {
            guard n >= 0 else { return nil }
            let (v, o) = n.multipliedReportingOverflow(by: 1 << shift)
            return o ? nil : v
        }
        // Digits and one dot only: nothing else Double would take (`inf`, `1e3`).
        guard fractions, s.filter({ $0 == "." }).count == 1, s.allSatisfy({ $0 == "." || ("0" ... "9").contains($0) }),
              let d = Double(s) else { return nil }
        let v = d * Double(1 << shift)
        return v < 9.0e18 ? Int(v) : nil
    }
}
