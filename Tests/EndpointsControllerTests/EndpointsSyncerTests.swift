import EndpointsController
import Testing

/// The pieces of the controller's wiring that need no apiserver; the loop itself is tested end to end
/// (Tests/E2ETests/EndpointsControllerTests.swift) against the real apiserver and executable.
struct EndpointsSyncerTests {
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
