import Verdicts
import WireBytes

/// The payload categories of docs/contract.md; registry purposes name these.

/// An address prefix (CIDR); IPv4 prefixes are held inside the v4-mapped IPv6 space
/// (length + 96), so one matcher serves both families.
public struct AddressPrefix: Hashable, Sendable, CustomStringConvertible {
    public let network: IPAddress
    /// Prefix length in the 128-bit space.
    public let length: UInt8

    public init(network: IPAddress, length128: UInt8) {
        self.length = length128
        self.network = AddressPrefix.mask(network, length128)
    }

    /// Parses `192.0.2.0/24`, `2001:db8::/32`, or a bare address (a host prefix).
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]) else { return nil }
        let maxLength = address.isIPv4 ? 32 : 128
        var length = maxLength
        if parts.count == 2 {
            guard let n = Int(parts[1]), (0 ... maxLength).contains(n) else { return nil }
            length = n
        }
        let l128 = UInt8(address.isIPv4 ? length + 96 : length)
        // A prefix with host bits set is a typo more often than not: refuse it.
        guard AddressPrefix.mask(address, l128) == address else { return nil }
        self.init(network: address, length128: l128)
    }

    public static func mask(_ a: IPAddress, _ length: UInt8) -> IPAddress {
        let l = Int(length)
        let high = l >= 64 ? a.high : (l == 0 ? 0 : a.high & ~(UInt64.max >> UInt64(l)))
        let low = l >= 128 ? a.low : (l <= 64 ? 0 : a.low & ~(UInt64.max >> UInt64(l - 64)))
        return IPAddress(high: high, low: low)
    }

    public func contains(_ a: IPAddress) -> Bool { AddressPrefix.mask(a, length) == network }

    public var description: String {
        network.isIPv4 ? "\(network)/\(Int(length) - 96)" : "\(network)/\(length)"
    }
}

/// A day on the UTC calendar, as days since 1970-01-01.
public struct Day: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let days: Int

    public init(days: Int) { self.days = days }

    public static func < (a: Day, b: Day) -> Bool { a.days < b.days }

    /// Parses `YYYY-MM-DD` (a real calendar date).
    public init?(_ text: some StringProtocol) {
        let p = text.split(separator: "-", omittingEmptySubsequences: false)
        guard p.count == 3, p[0].count == 4, p[1].count == 2, p[2].count == 2,
              let y = Int(p[0]), let m = Int(p[1]), let d = Int(p[2]),
              (1 ... 12).contains(m), d >= 1, d <= Day.daysInMonth(y, m) else { return nil }
        days = CivilDate.daysSinceEpoch(year: y, month: m, day: d)
    }

    /// The UTC day of a time in nanoseconds since the epoch.
    public init(nanoseconds: Int64) {
        let perDay: Int64 = 86_400 * 1_000_000_000
        var d = nanoseconds / perDay
        if nanoseconds % perDay < 0 { d -= 1 }
        days = Int(d)
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }

    public var description: String {
        let (y, m, d) = CivilDate.from(daysSinceEpoch: Int64(days))
        func pad(_ v: Int64, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}

/// A hostname pattern: exact, or `*.example.com` for any deeper name.
public struct HostnamePattern: Hashable, Sendable, CustomStringConvertible {
    public let suffix: String
    public let wildcard: Bool

    public init?(_ text: String) {
        var t = text.lowercased()
        if t.hasSuffix(".") { t.removeLast() }
        if t.hasPrefix("*.") {
            wildcard = true
            t.removeFirst(2)
        } else {
            wildcard = false
        }
        guard HostnamePattern.isValidName(t) else { return nil }
        suffix = t
    }

    public static func isValidName(_ t: String) -> Bool {
        guard !t.isEmpty, t.utf8.count <= 253 else { return false }
        for label in t.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.utf8.count <= 63,
                  label.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F }),
                  label.first != "-", label.last != "-" else { return false }
        }
        return true
    }

    public func matches(_ name: String) -> Bool {
        wildcard ? name.hasSuffix("." + suffix) : name == suffix
    }

    public var description: String { wildcard ? "*." + suffix : suffix }
}

/// One approved overseas server (or group of servers) and what it may be used for.
public struct RegistryEntry: Sendable, Equatable {
    public var id: String
    public var operatorName: String
    public var country: String
    public var addresses: [AddressPrefix]
    public var hostnames: [HostnamePattern]
    public var purposes: [PayloadCategory]
    public var validFrom: Day?
    /// Inclusive; nil = open-ended.
    public var validUntil: Day?
    /// Where the entry starts in its file (1-based).
    public var line: Int

    public init(id: String, operatorName: String, country: String, addresses: [AddressPrefix], hostnames: [HostnamePattern],
                purposes: [PayloadCategory], validFrom: Day?, validUntil: Day?, line: Int) {
        self.id = id
        self.operatorName = operatorName
        self.country = country
        self.addresses = addresses
        self.hostnames = hostnames
        self.purposes = purposes
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.line = line
    }

    public func isValid(on day: Day) -> Bool {
        if let validFrom, day < validFrom { return false }
        if let validUntil, day > validUntil { return false }
        return true
    }
}

/// A problem in a registry file, with where it is.
public struct RegistryProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var file: String
    public var line: Int
    public var severity: Severity
    public var message: String

    public init(file: String, line: Int, severity: Severity = .error, message: String) {
        self.file = file
        self.line = line
        self.severity = severity
        self.message = message
    }

    public var description: String { "\(file):\(line): \(severity.rawValue): \(message)" }
}

/// Registry values saved in partial results (the evidence report's scope) as the text
/// a registry file spells them in, read back by the same parsers.
protocol RegistryText: Codable, CustomStringConvertible {
    init?(registryText: String)
}

extension RegistryText {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let v = Self(registryText: text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a valid value: \(text)")
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension AddressPrefix: RegistryText {
    init?(registryText: String) { self.init(registryText) }
}

extension Day: RegistryText {
    init?(registryText: String) { self.init(registryText) }
}

extension HostnamePattern: RegistryText {
    init?(registryText: String) { self.init(registryText) }
}

extension RegistryEntry: Codable {}
