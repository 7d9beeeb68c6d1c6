import Foundation
import SkiffAPI
import SkiffCLI
import Testing

private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

private func at(_ ms: Double) -> MicroTime { MicroTime(t0.addingTimeInterval(ms / 1000)) }

private func version<T: APIObject>(_ object: T, _ revision: Int64, after ms: Double?, type: String = "MODIFIED",
                                   timing: WriteTimes? = nil) -> ObjectVersion<T> {
    ObjectVersion(revision: revision, type: type, committed: ms.map(at), timing: timing, object: object)
}

private func lease(_ name: String, programmed: Int64) -> Lease {
    var lease = Lease(metadata: meta(name, "kube-system"))
    lease.metadata.annotations = [Lease.programmedRevisionAnnotation: "\(programmed)"]
    return lease
}

private var web: Service { service("web", clusterIP: "127.96.1.1", selector: ["app": "web"]) }

private var webEndpoints: Endpoints {
    var endpoints = Endpoints(metadata: meta("web"))
    endpoints.subsets = [EndpointSubset(addresses: [EndpointAddress(ip: "127.244.1.2"), EndpointAddress(ip: "127.244.2.2")])]
    return endpoints
}

/// One Service version and what the other components did after it, and the timeline expected from them.
struct TimelineCase: Sendable, CustomTestStringConvertible {
    var name: String
    var service: ObjectVersion<Service>
    var steps: [String]
    var offsets: [String]
    var took: [String]
    var testDescription: String { name }

    static let all = [
        TimelineCase(
            name: "a create with its request timing: every step, each with how long it took",
            service: version(web, 100, after: 2.3, type: "ADDED", timing: WriteTimes(
                received: at(0), authorized: at(0.05), allocationStarted: at(0.10), allocated: at(0.12), admitted: at(0.30))),
            steps: ["received", "authorized", "allocated", "admitted", "persisted", "endpoints", "dns", "proxy node-1"],
            offsets: ["+0 µs", "+50 µs", "+120 µs", "+300 µs", "+2.3 ms", "+6.0 ms", "+13 ms", "+17 ms"],
            took: ["-", "50 µs", "20 µs", "250 µs", "2.0 ms", "3.7 ms", "11 ms", "15 ms"]),
        TimelineCase(
            name: "an update that kept its ClusterIP has no allocation step",
            service: version(web, 100, after: 1.6, timing: WriteTimes(received: at(0), authorized: at(0.5), admitted: at(1.2))),
            steps: ["received", "authorized", "admitted", "persisted", "endpoints", "dns", "proxy node-1"],
            offsets: ["+0 µs", "+500 µs", "+1.2 ms", "+1.6 ms", "+6.0 ms", "+13 ms", "+17 ms"],
            took: ["-", "500 µs", "700 µs", "400 µs", "4.4 ms", "11 ms", "16 ms"]),
        TimelineCase(
            name: "a version without request timing (the apiserver's own write, an older store) starts at its commit",
            service: version(web, 100, after: 2, type: "ADDED"),
            steps: ["persisted", "endpoints", "dns", "proxy node-1"],
            offsets: ["+0 µs", "+4.0 ms", "+11 ms", "+15 ms"],
            took: ["-", "4.0 ms", "11 ms", "15 ms"]),
    ]
}

/// A Service's registration steps from the store's histories.
struct RegistrationTimelineTests {
    @Test(arguments: TimelineCase.all)
    func stepsOffsetsAndDurations(_ test: TimelineCase) {
        let timeline = RegistrationTimeline(
            service: ObjectHistory(items: [test.service]),
            endpoints: ObjectHistory(items: [version(webEndpoints, 102, after: 6)]),
            dns: ObjectHistory(items: [version(lease("coredns-controller", programmed: 99), 101, after: 3),
                                       version(lease("coredns-controller", programmed: 102), 105, after: 13)]),
            proxies: [("node-1", ObjectHistory(items: [version(lease("kube-proxy-node-1", programmed: 102), 106, after: 17.4)]))])
        #expect(timeline.revision == 100)
        #expect(timeline.steps.map(\.name) == test.steps)
        #expect(timeline.steps.allSatisfy { $0.done })
        #expect(timeline.steps.map { timeline.offset($0) } == test.offsets)
        #expect(timeline.steps.map { timeline.took($0) } == test.took)
        let persisted = try? #require(timeline.steps.first { $0.name == "persisted" })
        #expect(persisted?.detail.hasPrefix("revision 100, ") == true && persisted?.detail.hasSuffix(", ClusterIP 127.96.1.1") == true)
        #expect(timeline.steps.first { $0.name == "endpoints" }?.detail == "Endpoints at revision 102, 2 ready addresses")
        #expect(timeline.steps.first { $0.name == "dns" }?.detail == "coredns-controller at revision 102")
        if let allocated = timeline.steps.first(where: { $0.name == "allocated" }) {
            #expect(allocated.detail == "ClusterIP 127.96.1.1 (during admission)")
        }
    }

    @Test func pendingStepsSayWhereTheComponentIs() {
        let timeline = RegistrationTimeline(
            service: ObjectHistory(items: [version(web, 100, after: 0)]),
            endpoints: nil,
            dns: ObjectHistory(items: [version(lease("coredns-controller", programmed: 98), 101, after: 2)]),
            proxies: [("node-2", nil)])
        #expect(timeline.steps.map(\.done) == [true, false, false, false])
        #expect(timeline.steps.map { timeline.offset($0) }.dropFirst() == ["pending", "pending", "pending"])
        #expect(timeline.steps.map { timeline.took($0) }.dropFirst() == ["-", "-", "-"])
        #expect(timeline.steps[2].detail == "coredns-controller at revision 98, not yet 100")
        #expect(timeline.steps[3].detail == "kube-proxy-node-2: no Lease (not running)")
    }

    @Test func aServiceWithoutSelectorHasNoEndpointsStep() {
        let manual = service("ext", clusterIP: "127.96.1.9")
        let timeline = RegistrationTimeline(service: ObjectHistory(items: [version(manual, 7, after: 0)]), endpoints: nil, dns: nil, proxies: [])
        #expect(timeline.steps.map(\.name) == ["persisted", "dns"])
    }

    @Test func theHistoryReplyDecodesTheRequestTiming() throws {
        let body = #"""
            {"kind":"ObjectHistory","items":[{"revision":7,"type":"ADDED","committed":"2027-01-15T08:00:00.002300Z",
            "timing":{"received":"2027-01-15T08:00:00.000000Z","authorized":"2027-01-15T08:00:00.000050Z","admitted":"2027-01-15T08:00:00.000300Z"},
            "object":{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"}}}]}
            """#
        let history = try JSONDecoder().decode(ObjectHistory<Service>.self, from: Data(body.utf8))
        let timing = try #require(history.items.first?.timing)
        #expect(timing.authorized.map { $0.date.timeIntervalSince(timing.received.date) * 1000 }.map { abs($0 - 0.05) < 0.001 } == true)
        #expect(timing.allocated == nil)
        let timeline = RegistrationTimeline(service: history, endpoints: nil, dns: nil, proxies: [])
        #expect(timeline.steps.map(\.name) == ["received", "authorized", "admitted", "persisted", "dns"])
        #expect(timeline.took(timeline.steps[3]) == "2.0 ms")
    }
}
