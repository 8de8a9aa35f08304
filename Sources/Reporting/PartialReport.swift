import Flows
import Foundation
import Pipeline
import Policy
import WireBytes

/// What a report needs of one input, without the reader's internals: its path,
/// counts, problems as text, and its rendered input object. Saved in partial
/// results, so a merge renders exactly what one run would have.
public struct ReportInput: Sendable, Equatable {
    /// Position in the full, expanded input list.
    public var index: Int
    public var path: String
    public var packets: Int
    public var first: Int64?
    public var last: Int64?
    public var errors: [String]
    public var warnings: [String]
    /// The input object of docs/contract.md, as the JSON report shows it.
    public var json: JSON

    public init(index: Int, scan: InputScan) {
        self.index = index
        path = scan.summary.path
        packets = scan.summary.packets
        first = scan.summary.first
        last = scan.summary.last
        errors = (scan.summary.openError.map { [$0] } ?? []) + scan.summary.problems.filter { $0.severity == .error }.map(\.description)
        warnings = scan.summary.problems.filter { $0.severity == .warning }.map(\.description)
        json = scan.json
    }

    public var hasErrors: Bool { !errors.isEmpty }
}

extension ReportInput: Codable {
    enum CodingKeys: String, CodingKey { case index, path, packets, first, last, errors, warnings, json }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        path = try c.decode(String.self, forKey: .path)
        packets = try c.decode(Int.self, forKey: .packets)
        first = try c.decodeIfPresent(Int64.self, forKey: .first)
        last = try c.decodeIfPresent(Int64.self, forKey: .last)
        errors = try c.decode([String].self, forKey: .errors)
        warnings = try c.decode([String].self, forKey: .warnings)
        let text = try c.decode(String.self, forKey: .json)
        guard let j = JSON.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: .json, in: c, debugDescription: "input object is not JSON")
        }
        json = j
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(path, forKey: .path)
        try c.encode(packets, forKey: .packets)
        try c.encodeIfPresent(first, forKey: .first)
        try c.encodeIfPresent(last, forKey: .last)
        try c.encode(errors, forKey: .errors)
        try c.encode(warnings, forKey: .warnings)
        try c.encode(json.rendered(), forKey: .json)
    }
}

/// A mergeable scan result (`scan --emit partial`, and each input's file under
/// `--state-dir`): everything a report is made of, for a subset of the inputs.
/// `borderflow merge` combines partials of disjoint inputs into the report one
/// run over all of them gives.
public struct PartialReport: Sendable, Codable {
    public static let formatName = "borderflow-partial"
    /// 2: flow records and findings carry their category evidence.
    public static let formatVersion = 3

    public var format = PartialReport.formatName
    public var version = PartialReport.formatVersion
    public var tool: String
    public var home: [String]
    /// How many inputs the full run has (a shard holds some of them).
    public var totalInputs: Int
    public var includeFlows: Bool
    public var inputs: [ReportInput]
    public var findings: [Finding]
    public var flowCount: Int
    public var crossBorderFlows: Int
    public var packets: Int
    public var flows: [FlowRecord]
    public var maintenanceSessions: [FlowRecord]
    public var registryEntriesUsed: [String]
    public var crossBorder: [CrossBorderEdgeTraffic]
    /// Devices on the home side, by address.
    public var devices: [DeviceSummary]
    /// Names devices gave themselves, by address.
    public var deviceNames: [DeviceNameList]

    public struct DeviceNameList: Sendable, Codable {
        public var address: IPAddress
        public var names: [String]
    }
    /// Geo sources and registry the shard was scanned with (absent in per-input state
    /// files and in partials of older versions).
    public var scope: ScanScope?
    /// What the findings depend on besides the inputs (home, geo data, registry, tool
    /// version): a saved result made under another one is not reused (`--resume`).
    public var policyFingerprint: String?
    /// Flows of findings beyond the findings limit (absent when none).
    public var findingFlowsLeftOut: Int?
    /// What the other aggregate limits left out (absent when nothing).
    public var limits: AggregateLimits?

    public struct CrossBorderEdgeTraffic: Sendable, Codable {
        public var edge: CrossBorderEdge
        public var traffic: CrossBorderTraffic
    }

    public init(result: ScanResult, home: [String], tool: String, totalInputs: Int, includeFlows: Bool,
                scope: ScanScope? = nil, policyFingerprint: String? = nil) {
        self.scope = scope
        self.policyFingerprint = policyFingerprint
        self.tool = tool
        self.home = home
        self.totalInputs = totalInputs
        self.includeFlows = includeFlows
        inputs = zip(result.inputIndexes, result.inputs).map { ReportInput(index: $0, scan: $1) }
        findings = result.findings.sorted
        flowCount = result.flowCount
        crossBorderFlows = result.crossBorderFlows
        packets = result.packets
        flows = result.flows
        maintenanceSessions = result.maintenanceSessions
        registryEntriesUsed = result.registryEntriesUsed.sorted()
        crossBorder = result.crossBorder.sorted { $0.key < $1.key }.map { CrossBorderEdgeTraffic(edge: $0.key, traffic: $0.value) }
        devices = result.devices.values.sorted { $0.address < $1.address }
        deviceNames = result.deviceNames.sorted { $0.key < $1.key }.map { DeviceNameList(address: $0.key, names: $0.value) }
        findingFlowsLeftOut = result.findingFlowsLeftOut == 0 ? nil : result.findingFlowsLeftOut
        limits = result.limits.isEmpty ? nil : result.limits
    }

    /// The scan result part (inputs are carried as `ReportInput`s beside it).
    public var result: ScanResult {
        var saved = ScanResult()
        saved.findings = FindingAggregator(findings: findings, flowsLeftOut: findingFlowsLeftOut ?? 0)
        saved.flowCount = flowCount
        saved.crossBorderFlows = crossBorderFlows
        saved.packets = packets
        saved.flows = flows
        saved.maintenanceSessions = maintenanceSessions
        saved.registryEntriesUsed = Set(registryEntriesUsed)
        for e in crossBorder { saved.crossBorder[e.edge] = e.traffic }
        for d in devices { saved.devices[d.address] = d }
        for n in deviceNames { saved.deviceNames[n.address] = n.names }
        saved.limits = limits ?? AggregateLimits()
        // Through a merge, so that a saved result meets the same size limits as a scan.
        var r = ScanResult()
        r.merge(saved)
        r.finish()
        return r
    }

    public func encoded() throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return try e.encode(self)
    }

    public static func decode(_ data: Data, path: String) throws -> PartialReport {
        let p: PartialReport
        do { p = try JSONDecoder().decode(PartialReport.self, from: data) } catch {
            throw PartialReportError(path: path, message: "not a borderflow partial result (\(error))")
        }
        guard p.format == formatName, p.version == formatVersion else {
            throw PartialReportError(path: path, message: "format \(p.format) version \(p.version); this borderflow reads \(formatName) version \(formatVersion)")
        }
        try PartialReportChecks.check(p, path: path)
        return p
    }

    /// Combines partials of disjoint inputs; an input index seen twice is an error
    /// (the same shard given twice, or overlapping shards).
    public static func merge(_ parts: [(path: String, partial: PartialReport)]) throws -> (ScanResult, [ReportInput], home: [String], includeFlows: Bool) {
        let (result, inputs, home, includeFlows, _) = try mergeWithScope(parts)
        return (result, inputs, home, includeFlows)
    }

    /// As `merge`, and the scope the partials share: nil when one lacks it; an error when
    /// they were scanned against different geo sources or registries (their findings
    /// would not add up to one run's).
    public static func mergeWithScope(_ parts: [(path: String, partial: PartialReport)]) throws
        -> (ScanResult, [ReportInput], home: [String], includeFlows: Bool, scope: ScanScope?) {
        // Every partial that has a scope is compared with the first that has one, whatever
        // the order; the merged report has a scope only when all of them do.
        let reference = parts.first { $0.partial.scope != nil }
        for (path, p) in parts {
            guard let s = p.scope, let (referencePath, r) = reference.map({ ($0.path, $0.partial.scope!) }) else { continue }
            if s.fingerprint != r.fingerprint {
                throw PartialReportError(path: path, message: "was scanned against other geo sources or another registry than \(referencePath)")
            }
        }
        let scope = parts.allSatisfy { $0.partial.scope != nil } ? reference?.partial.scope : nil
        guard let firstPart = parts.first else { throw PartialReportError(path: "-", message: "no partial results to merge") }
        var result = ScanResult()
        var inputs: [ReportInput] = []
        var seen: [Int: String] = [:]
        for (path, p) in parts {
            guard p.home == firstPart.partial.home else {
                throw PartialReportError(path: path, message: "home \(p.home.joined(separator: ",")) differs from \(firstPart.path)'s \(firstPart.partial.home.joined(separator: ","))")
            }
            // Shards of one run see the same input list: a different count means the
            // inputs changed between the shards' scans, and an input would be lost.
            guard p.totalInputs == firstPart.partial.totalInputs else {
                throw PartialReportError(path: path, message: "is a piece of a run over \(p.totalInputs) inputs, \(firstPart.path) of one over \(firstPart.partial.totalInputs): the inputs changed between the scans; scan them again")
            }
            for i in p.inputs {
                if let other = seen[i.index] {
                    throw PartialReportError(path: path, message: "input \(i.path) is also in \(other): the partials overlap")
                }
                seen[i.index] = path
            }
            inputs += p.inputs
            result.merge(p.result)
        }
        inputs.sort { $0.index < $1.index }
        result.finish()
        return (result, inputs, firstPart.partial.home, parts.allSatisfy(\.partial.includeFlows), scope)
    }
}

public struct PartialReportError: Error, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
