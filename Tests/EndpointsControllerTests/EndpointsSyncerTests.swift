import EndpointsController
import Testing

/// The pieces of the controller's wiring that need no apiserver; the loop itself is tested end to end
/// (Tests/E2ETests/EndpointsControllerTests.swift) against the real apiserver and executable.
struct EndpointsSyncerTests {
    struct DurationCase: Sendable, CustomTestStringConvertible {
        var text: String
        var expected: Duration?
        var testDescription: String { "\(String(reflecting: text)) -> \(expected.map { "\($0)" } ?? "invalid")" }
    }

    @Test(arguments: [
        DurationCase(text: "0", expected: .zero),
        DurationCase(text: "0s", expected: .zero),
        DurationCase(text: "100ms", expected: .milliseconds(100)),
        DurationCase(text: "1.5s", expected: .milliseconds(1500)),
        DurationCase(text: "1m30s", expected: .seconds(90)),
        DurationCase(text: "250us", expected: .microseconds(250)),
        DurationCase(text: "", expected: nil),
        DurationCase(text: "100", expected: nil),
        DurationCase(text: "-1s", expected: nil),
        DurationCase(text: "1d", expected: nil),
        DurationCase(text: "ms", expected: nil),
    ])
    func batchPeriodFlag(_ test: DurationCase) {
        #expect(DurationFlag.parse(test.text) == test.expected)
    }

    @Test(arguments: [("default/web", "default", "web"), ("web", "", "web"), ("a/b/c", "a", "b/c")])
    func serviceKeysRoundTrip(key: String, namespace: String, name: String) {
        let split = EndpointsSyncer.split(key)
        #expect(split.namespace == namespace && split.name == name)
        #expect(EndpointsSyncer.key(namespace: namespace, name: name) == key)
    }

    @Test func statisticsCountWrites() {
        var statistics = EndpointsSyncerStatistics()
        statistics.creates = 2
        statistics.updates = 3
        statistics.deletes = 1
        statistics.conflicts = 4
        #expect(statistics.writes == 6)
    }
}
