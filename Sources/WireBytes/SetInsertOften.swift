extension Set {
    /// Inserts `x`, without hashing it when it is already the set's only member:
    /// aggregates per server or per edge mostly meet the same name, app or device
    /// flow after flow, and hashing a string per flow was a visible cost.
    @inlinable
    public mutating func insertOften(_ x: Element) {
        if count == 1, first! == x { return }
        insert(x)
    }
}
