import Verdicts

/// How the evidence page shows a server's registry status: worst first, each with a
/// colour that survives greyscale printing well enough beside its word.
enum RegistryStatusStyle {
    /// Worst first (the order of the diagram's legend and its breakdowns).
    static let ordered: [RegistryStatus] = [.unregistered, .expired, .purposeMismatch, .registered]

    static func colour(_ status: RegistryStatus?) -> String {
        switch status {
        case .unregistered: return "#c62828"
        case .expired: return "#e65100"
        case .purposeMismatch: return "#7b1fa2"
        case .registered: return "#2e7d32"
        case .notApplicable, nil: return "#607d8b"
        }
    }
}
