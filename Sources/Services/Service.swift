import Verdicts

/// One entry of the services catalogue: a service that equipment reaches over TLS,
/// DTLS, QUIC or HTTP, the names its servers answer to, and what it carries.
public struct Service: Sendable, Equatable {
    /// Lower-case, with hyphens; unique in the catalogue (`aws-iot-core`).
    public var id: String
    public var name: String
    /// Who runs it.
    public var operatorName: String
    /// What a flow to it carries.
    public var category: PayloadCategory
    public var hosts: [ServiceHostPattern]
    /// When given, a flow names the service only on one of these server ports.
    public var ports: [UInt16]
    /// Where the patterns come from (vendor documentation, as a URL or a title).
    public var source: String
    /// The file and line the entry was read from (`built-in` for the shipped catalogue).
    public var file: String
    public var line: Int

    public init(id: String, name: String, operatorName: String, category: PayloadCategory, hosts: [ServiceHostPattern],
                ports: [UInt16] = [], source: String, file: String = "", line: Int = 0) {
        self.id = id
        self.name = name
        self.operatorName = operatorName
        self.category = category
        self.hosts = hosts
        self.ports = ports
        self.source = source
        self.file = file
        self.line = line
    }
}
