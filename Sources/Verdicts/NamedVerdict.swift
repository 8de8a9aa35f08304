/// A verdict with a fixed set of values, each known to the outside by a name (the
/// strings of docs/contract.md). Reports and saved results write the name; reading one
/// back accepts only a name of the set.
public protocol NamedVerdict: CaseIterable, Hashable, Sendable, Codable, CustomStringConvertible where AllCases == [Self] {
    var name: String { get }
}

extension NamedVerdict {
    /// The name: a verdict in a string is always its outside name.
    public var description: String { name }

    /// The value of `name`, or nil when no value has it.
    public init?(name: String) {
        guard let v = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = v
    }

    /// Reads a name; the conforming type's `init(from:)` calls this (a type with a
    /// raw value would otherwise get a synthesized coding that writes no name).
    public static func decodeName(from decoder: any Decoder) throws -> Self {
        let c = try decoder.singleValueContainer()
        let name = try c.decode(String.self)
        guard let v = Self(name: name) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "unknown value `\(name)`; one of: \(Self.allCases.map(\.name).joined(separator: ", "))")
        }
        return v
    }

    public func encodeName(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }
}

extension Sequence where Element: NamedVerdict {
    /// The names, sorted: how reports list a set of verdicts.
    public var sortedNames: [String] { map(\.name).sorted() }
}
