import WireBytes

/// A field of a template: element id (enterprise bit cleared), length (65535 =
/// variable), and whether it is enterprise-specific (then skipped by length).
struct TemplateField: Sendable, Equatable {
    var id: UInt16
    var length: UInt16
    var enterprise: Bool
}

struct Template: Sendable {
    var fields: [TemplateField]
    var scopeFields: Int
    var isOptions: Bool
    /// Fixed record length, or nil when a field is variable-length.
    var fixedLength: Int?
    /// Smallest possible record (variable fields count 1 byte).
    var minimumLength: Int
}

/// Templates per (exporter, observation domain / source id, template id), kept across
/// the messages of one input. NetFlow v9 and IPFIX keep separate spaces.
public struct TemplateCache: Sendable {
    struct Key: Hashable {
        var exporter: IPAddress
        var domain: UInt32
        var id: UInt16
        var version: UInt16
    }

    var templates: [Key: Template] = [:]

    public init() {}

    public var count: Int { templates.count }

    mutating func store(_ t: Template, for key: Key, stats: inout FlowLogStats) {
        if templates[key] == nil, templates.count >= FlowLogLimits.maxTemplates {
            stats.templatesRefused += 1
            return
        }
        templates[key] = t
        stats.templates += 1
    }
}
