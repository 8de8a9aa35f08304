import Live
import Policy
import Testing
import Verdicts
import WireBytes

@Suite struct FindingChangesTests {
    func finding(_ rule: Rule, _ server: String, flows: Int) -> Finding {
        var f = Finding(rule: rule, server: IPAddress(server)!, country: "US")
        f.flows = flows
        return f
    }

    @Test func newThenChangedThenQuiet() {
        var changes = FindingChanges()
        let a = finding(.unregisteredOverseasServer, "34.120.5.9", flows: 1)
        let b = finding(.unknownDestination, "185.199.1.1", flows: 1)
        let first = changes.take(FindingAggregator(findings: [a]))
        #expect(first.map(\.change) == [.new] && first[0].finding == a)
        #expect(changes.take(FindingAggregator(findings: [a])).isEmpty)
        let more = finding(.unregisteredOverseasServer, "34.120.5.9", flows: 2)
        let second = changes.take(FindingAggregator(findings: [more, b]))
        #expect(second.map(\.change) == [.changed, .new])
        #expect(second.map(\.finding) == [more, b])
        #expect(changes.take(FindingAggregator(findings: [more, b])).isEmpty)
    }
}
