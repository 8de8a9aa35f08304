extension FixedWidthInteger {
    /// Adds `o`, held at the type's bounds instead of trapping or wrapping: totals of
    /// counts read back from files (partials, saved results) must not stop a run, and
    /// a wrapped byte total would understate what crossed the border.
    @inlinable public mutating func addSaturating(_ o: Self) {
        let (sum, overflow) = addingReportingOverflow(o)
        self = overflow ? (o < 0 ? .min : .max) : sum
    }
}
