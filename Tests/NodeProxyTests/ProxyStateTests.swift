import NodeProxy
import SkiffAPI
import Testing

/// The incremental desired state: which ports a refresh reports as changed.
struct ProxyStateTests {
    let key = ServiceKey(namespace: "default", name: "web")
    let http = ServicePortName(namespace: "default", name: "web", port: "http", protocol: .tcp)

    @Test func newServiceAndItsEndpointsAreChanges() {
        var state = ProxyState(nodeName: "n1")
        let changed = state.refresh(key, service: Fixtures.service("web"), slices: [Fixtures.slice("web-1", service: "web", endpoints: [.init(ip: "127.244.1.2")])])
        #expect(changed == [http])
        #expect(state.snapshot.endpoints[http]?.map(\.description) == ["127.244.1.2:8080"])
        #expect(state.resourceVersions[key] == "1")
    }

    @Test func unchangedProjectionIsNoChange() {
        var state = ProxyState(nodeName: "n1")
        let slices = [Fixtures.slice("web-1", service: "web", endpoints: [.init(ip: "127.244.1.2")])]
        _ = state.refresh(key, service: Fixtures.service("web"), slices: slices)
        // A label-only edit: new resourceVersion, same dataplane.
        var relabelled = Fixtures.service("web", resourceVersion: "7")
        relabelled.metadata.labels = ["team": "a"]
        #expect(state.refresh(key, service: relabelled, slices: slices).isEmpty)
        #expect(state.resourceVersions[key] == "7")
    }

    @Test func endpointsFromSeveralSlicesMerge() {
        var state = ProxyState(nodeName: "n1")
        _ = state.refresh(key, service: Fixtures.service("web"), slices: [
            Fixtures.slice("web-1", service: "web", endpoints: [.init(ip: "127.244.1.3")]),
            Fixtures.slice("web-2", service: "web", endpoints: [.init(ip: "127.244.1.2")]),
            Fixtures.slice("other-ns", service: "web", namespace: "kube-system", endpoints: [.init(ip: "127.244.9.9")]),
        ])
        #expect(state.snapshot.endpoints[http]?.map(\.ip) == ["127.244.1.2", "127.244.1.3"])
    }

    @Test func removedServiceAndRemovedPortAreChanges() {
        var state = ProxyState(nodeName: "n1")
        _ = state.refresh(key, service: Fixtures.service("web", ports: [("http", 80, "TCP"), ("admin", 9000, "TCP")]), slices: [])
        let admin = ServicePortName(namespace: "default", name: "web", port: "admin", protocol: .tcp)
        #expect(state.refresh(key, service: Fixtures.service("web"), slices: []) == [admin])
        #expect(state.snapshot.services[admin] == nil)
        #expect(state.refresh(key, service: nil, slices: []) == [http])
        #expect(state.snapshot.services.isEmpty)
        #expect(state.resourceVersions[key] == nil)
    }

    @Test func readinessFlipIsAChange() {
        var state = ProxyState(nodeName: "n1")
        _ = state.refresh(key, service: Fixtures.service("web"), slices: [Fixtures.slice("web-1", service: "web", endpoints: [.init(ip: "127.244.1.2")])])
        let changed = state.refresh(key, service: Fixtures.service("web"), slices: [Fixtures.slice("web-1", service: "web", endpoints: [.init(ip: "127.244.1.2", ready: false)])])
        #expect(changed == [http])
        #expect(state.snapshot.selection(for: http).cluster.isEmpty)
    }
}

struct ProxyChangeTrackerTests {
    @Test func recordsServiceAndSliceKeysUntilDrained() {
        let tracker = ProxyChangeTracker()
        tracker.serviceChanged(nil, Fixtures.service("a"))
        tracker.sliceChanged(Fixtures.slice("b-1", service: "b", endpoints: []), nil)
        tracker.serviceChanged(Fixtures.service("a"), Fixtures.service("a", resourceVersion: "2"))
        #expect(tracker.drain() == [ServiceKey(namespace: "default", name: "a"), ServiceKey(namespace: "default", name: "b")])
        #expect(tracker.drain().isEmpty)
    }

    @Test func sliceWithoutServiceLabelIsIgnored() {
        let tracker = ProxyChangeTracker()
        var slice = Fixtures.slice("x", service: "x", endpoints: [])
        slice.metadata.labels = [:]
        #expect(tracker.sliceChanged(nil, slice) == false)
        #expect(tracker.drain().isEmpty)
    }
}
