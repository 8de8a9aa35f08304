/// Why a run cannot start (a config, geo source or registry problem): one message for
/// the user, and lines to show before it (a registry's problems). The command line
/// prints them and exits 2.
public struct SetupError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// Shown before the message, one per line.
    public var details: [String]

    public init(_ description: String, details: [String] = []) {
        self.description = description
        self.details = details
    }
}
