import Foundation
import SkiffAPI
import SkiffCLI
import Testing

/// A Service's registration steps from the store's histories.
struct RegistrationTimelineTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func version<T: APIObject>(_ object: T, _ revision: Int64, after ms: Double?, type: String = "MODIFIED") -> ObjectVersion<T> {
        ObjectVersion(revision: revision, type: type, committed: ms.map { MicroTime(t0.addingTimeInterval($0 / 1000)) }, object: object)
    }

    func lease(_ name: String, programmed: Int64) -> Lease {
        var lease = Lease(metadata: meta(name, "kube-system"))
        lease.metadata.annotations = [Lease.programmedRevisionAnnotation: "\(programmed)"]
        return lease
    }

    var web: Service { service("web", clusterIP: "127.96.1.1", selector: ["app": "web"]) }

    @Test func everyStepDoneWithItsOffsetFromThePersistedRevision() {
        var endpoints = Endpoints(metadata: meta("web"))
        endpoints.subsets = [EndpointSubset(addresses: [EndpointAddress(ip: "127.244.1.2"), EndpointAddress(ip: "127.244.2.2")])]
        let timeline = RegistrationTimeline(
            service: ObjectHistory(items: [version(web, 100, after: 0, type: "ADDED")]),
            endpoints: ObjectHistory(items: [version(endpoints, 102, after: 4)]),
            dns: ObjectHistory(items: [version(lease("coredns-controller", programmed: 99), 101, after: 2),
                                       version(lease("coredns-controller", programmed: 102), 105, after: 11)]),
            proxies: [("node-1", ObjectHistory(items: [version(lease("kube-proxy-node-1", programmed: 102), 106, after: 15.4)]))])
        #expect(timeline.revision == 100)
        #expect(timeline.steps.map(\.name) == ["persisted", "endpoints", "dns", "proxy node-1"])
        #expect(timeline.steps.allSatisfy { $0.done })
        #expect(timeline.steps.map { timeline.offset($0) } == ["+0.0 ms", "+4.0 ms", "+11 ms", "+15 ms"])
        #expect(timeline.steps[0].detail == "revision 100, created, ClusterIP 127.96.1.1")
        #expect(timeline.steps[1].detail == "Endpoints at revision 102, 2 ready addresses")
        #expect(timeline.steps[2].detail == "coredns-controller at revision 102")
    }

    @Test func pendingStepsSayWhereTheComponentIs() {
        let timeline = RegistrationTimeline(
            service: ObjectHistory(items: [version(web, 100, after: 0)]),
            endpoints: nil,
            dns: ObjectHistory(items: [version(lease("coredns-controller", programmed: 98), 101, after: 2)]),
            proxies: [("node-2", nil)])
        #expect(timeline.steps.map(\.done) == [true, false, false, false])
        #expect(timeline.steps.map { timeline.offset($0) }.dropFirst() == ["pending", "pending", "pending"])
        #expect(timeline.steps[2].detail == "coredns-controller at revision 98, not yet 100")
        #expect(timeline.steps[3].detail == "kube-proxy-node-2: no Lease (not running)")
    }

    @Test func aServiceWithoutSelectorHasNoEndpointsStep() {
        let manual = service("ext", clusterIP: "127.96.1.9")
        let timeline = RegistrationTimeline(service: ObjectHistory(items: [version(manual, 7, after: 0)]), endpoints: nil, dns: nil, proxies: [])
        #expect(timeline.steps.map(\.name) == ["persisted", "dns"])
    }
}
