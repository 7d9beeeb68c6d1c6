@testable import ClusterDNS
import SkiffAPI
import SkiffDNS
import SkiffMessaging
import SkiffMetrics
import Synchronization
import Testing

/// The pieces the controller's incremental rebuild stands on: the change tap (inside the informer cache's
/// updates) and the partial programmed report.
@Suite struct DNSControllerSnapshotTests {
    static func pod(_ name: String, _ namespace: String, ip: String?) -> Pod {
        Pod(metadata: ObjectMeta(name: name, namespace: namespace), spec: PodSpec(containers: [Container(name: "c")]),
            status: PodStatus(podIP: ip))
    }

    static func slice(_ name: String, service: String) -> EndpointSlice {
        EndpointSlice(metadata: ObjectMeta(name: name, namespace: "default", labels: [EndpointSlice.serviceNameLabel: service]),
                      addressType: "IPv4", endpoints: [])
    }

    /// The tap records a key for every store and removal in a cache (the informer applies every change through
    /// these calls, under its lock, before advancing its revision), and wakes the rebuild each time.
    @Test func theTapSeesEveryCacheChange() {
        let wakes = Atomic<Int>(0)
        let tap = DNSChangeTap(onChange: { wakes.add(1, ordering: .relaxed) })
        var services = ObjectCache<Service>()
        var slices = ObjectCache<EndpointSlice>()
        var pods = ObjectCache<Pod>()
        var namespaces = ObjectCache<Namespace>()
        services.addIndex(DNSChangeTap.indexName, tap.serviceIndex)
        slices.addIndex(DNSChangeTap.indexName, tap.sliceIndex)
        pods.addIndex(DNSChangeTap.indexName, tap.podIndex)
        namespaces.addIndex(DNSChangeTap.indexName, tap.namespaceIndex)
        #expect(!tap.isPending)

        services.upsert(Service(metadata: ObjectMeta(name: "web", namespace: "default")), revision: 1)
        slices.upsert(Self.slice("s-1", service: "db"), revision: 2)
        // The slice moves to another Service: both are changed.
        slices.upsert(Self.slice("s-1", service: "api"), revision: 3)
        pods.upsert(Self.pod("p", "shop", ip: "10.244.0.5"), revision: 4)
        namespaces.upsert(Namespace(name: "quiet"), revision: 5)
        #expect(tap.isPending)
        let first = tap.drain()
        #expect(first.services == [.init(namespace: "default", name: "web"), .init(namespace: "default", name: "db"),
                                   .init(namespace: "default", name: "api")])
        #expect(first.pods == [.init(namespace: "shop", name: "p")])
        #expect(first.namespaces == ["quiet"])
        #expect(!tap.isPending)

        services.remove("default/web")
        let second = tap.drain()
        #expect(second.services == [.init(namespace: "default", name: "web")] && second.pods.isEmpty)
        #expect(wakes.load(ordering: .relaxed) > 0)
        // The tap's index files nothing.
        #expect(services.indexValues(DNSChangeTap.indexName) == [])
    }

    @Test func programmedChangesOnlyWhatWasRebuilt() {
        let programmed = ProgrammedRevisions()
        programmed.apply(changed: ["default/a": "5", "default/b": "6"], removed: [], revision: 6)
        programmed.apply(changed: ["default/b": "9"], removed: ["default/a"], revision: 9)
        // A later publish reporting an older revision (a bookmark raced it) does not move the revision back.
        programmed.apply(changed: [:], removed: [], revision: 7)
        #expect(programmed.current == ProgrammedRevisions.Snapshot(ready: true, revision: "9", services: ["default/b": "9"]))
    }
}
