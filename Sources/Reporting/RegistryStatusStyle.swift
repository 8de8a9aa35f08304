/// How the evidence page shows a server's registry status: worst first, each with a
/// colour that survives greyscale printing well enough beside its word.
enum RegistryStatusStyle {
    /// Worst first (the order the diagram's legend and "worst of" use).
    static let ordered = ["unregistered", "expired", "purpose-mismatch", "registered"]

    static func rank(_ status: String) -> Int {
        ordered.firstIndex(of: status).map { ordered.count - $0 } ?? 0
    }

    static func worse(_ a: String, _ b: String) -> String { rank(b) > rank(a) ? b : a }

    static func colour(_ status: String) -> String {
        switch status {
        case "unregistered": return "#c62828"
        case "expired": return "#e65100"
        case "purpose-mismatch": return "#7b1fa2"
        case "registered": return "#2e7d32"
        default: return "#607d8b"
        }
    }
}
