import Flows
import Policy

/// The main job over a set of inputs: flows from packets, judged by the policy,
/// findings aggregated as flows end. Flow records are kept only when asked for.
public struct ScanResult: Sendable {
    public var inputs: [InputScan] = []
    public var findings = FindingAggregator()
    public var flowCount = 0
    public var crossBorderFlows = 0
    public var packets = 0
    /// Every flow, when `keepFlows` was set (for --include-flows and the maintenance log).
    public var flows: [FlowRecord] = []
    /// Remote-maintenance sessions across the border (the retention record).
    public var maintenanceSessions: [FlowRecord] = []
    public var registryEntriesUsed: Set<String> = []

    public init() {}

    public var hasInputErrors: Bool { inputs.contains { $0.summary.hasErrors } }
}

public enum Scan {
    public static func run(_ inputs: [InputSource], policy: Policy, config: FlowTableConfig = FlowTableConfig(),
                           keepFlows: Bool = false) -> ScanResult {
        var result = ScanResult()
        result.inputs = FlowScan.run(inputs, config: config) { record in
            var r = record
            let verdict = policy.judge(&r)
            result.flowCount += 1
            if r.crossBorder { result.crossBorderFlows += 1 }
            if let entry = verdict.registryEntry { result.registryEntriesUsed.insert(entry) }
            if !verdict.rules.isEmpty { result.findings.add(r, rules: verdict.rules, registryEntry: verdict.registryEntry) }
            if verdict.rules.contains(.remoteMaintenance) { result.maintenanceSessions.append(r) }
            if keepFlows { result.flows.append(r) }
        }
        result.packets = result.inputs.reduce(0) { $0 + $1.summary.packets }
        // Stable order whatever order flows ended in.
        let order: (FlowRecord, FlowRecord) -> Bool = { a, b in
            (a.input, a.flow.first, a.flow.client, a.flow.clientPort, a.flow.server, a.flow.serverPort)
                < (b.input, b.flow.first, b.flow.client, b.flow.clientPort, b.flow.server, b.flow.serverPort)
        }
        result.flows.sort(by: order)
        result.maintenanceSessions.sort(by: order)
        return result
    }
}
