import EndpointsController
import SkiffAPI
import Testing

struct TruncationCase: Sendable, CustomTestStringConvertible {
    let name: String
    let ready: Int
    let notReady: Int
    let expectedReady: Int
    let expectedNotReady: Int
    let annotated: Bool
    var testDescription: String { name }
}

/// The v1 Endpoints object: truncation, hostnames, headless Services and semantic no-op detection.
@Suite struct EndpointsObjectTests {
    static let truncationCases: [TruncationCase] = [
        TruncationCase(name: "exactly 1000 is not truncated", ready: 1000, notReady: 0, expectedReady: 1000, expectedNotReady: 0, annotated: false),
        TruncationCase(name: "1200 ready cut to 1000", ready: 1200, notReady: 0, expectedReady: 1000, expectedNotReady: 0, annotated: true),
        TruncationCase(name: "ready kept, not-ready cut", ready: 900, notReady: 300, expectedReady: 900, expectedNotReady: 100, annotated: true),
        TruncationCase(name: "too many ready drops all not-ready", ready: 1100, notReady: 50, expectedReady: 1000, expectedNotReady: 0, annotated: true),
    ]

    private static func pods(ready: Int, notReady: Int) -> [Pod] {
        (0..<(ready + notReady)).map {
            Fixture.pod(String(format: "pod-%04d", $0), ip: "10.244.\($0 / 250).\($0 % 250 + 1)", ready: $0 < ready)
        }
    }

    @Test(arguments: truncationCases)
    func truncation(_ testCase: TruncationCase) throws {
        var cluster = FakeCluster()
        let pods = Self.pods(ready: testCase.ready, notReady: testCase.notReady)
        let plan = cluster.sync(Fixture.service(), pods: pods)
        let endpoints = try #require(plan.endpoints.object)
        let subsets = try #require(endpoints.subsets)
        #expect(subsets.reduce(0) { $0 + ($1.addresses?.count ?? 0) } == testCase.expectedReady)
        #expect(subsets.reduce(0) { $0 + ($1.notReadyAddresses?.count ?? 0) } == testCase.expectedNotReady)
        #expect(endpoints.metadata.annotations?["endpoints.kubernetes.io/over-capacity"] == (testCase.annotated ? "truncated" : nil))
        // Slices are never truncated.
        #expect(plan.slicesToCreate.reduce(0) { $0 + $1.endpoints.count } == testCase.ready + testCase.notReady)
        #expect(cluster.plan(Fixture.service(), pods: pods).isEmpty, "a truncated object is stable")
    }

    @Test func annotationClearedWhenBackUnderCapacity() throws {
        var cluster = FakeCluster()
        cluster.sync(Fixture.service(), pods: Self.pods(ready: 1001, notReady: 0))
        #expect(cluster.endpoints?.metadata.annotations?["endpoints.kubernetes.io/over-capacity"] == "truncated")
        let plan = cluster.sync(Fixture.service(), pods: Self.pods(ready: 999, notReady: 0))
        guard case .update(let endpoints) = plan.endpoints else {
            Issue.record("expected an update, got \(plan.endpoints)")
            return
        }
        #expect(endpoints.metadata.annotations == nil)
        #expect(endpoints.subsets?.first?.addresses?.count == 999)
    }

    @Test func headlessServicePublishesHostnames() throws {
        let service = Fixture.service(name: "web", ports: [], clusterIP: "None")
        let pods = [
            Fixture.pod("a", ip: "10.244.0.2", hostname: "a-host", subdomain: "web"),
            Fixture.pod("b", ip: "10.244.0.3", hostname: "b-host", subdomain: "other"),
            Fixture.pod("c", ip: "10.244.0.4", subdomain: "web"),
        ]
        let plan = EndpointsReconciler.plan(service: service, serviceKey: Fixture.key, pods: pods,
                                            existingEndpoints: nil, existingSlices: [], options: .init())
        let endpoints = try #require(plan.endpoints.object)
        #expect(endpoints.subsets == [EndpointSubset(addresses: [
            Fixture.address("a", "10.244.0.2", hostname: "a-host"), Fixture.address("b", "10.244.0.3"),
            Fixture.address("c", "10.244.0.4"),
        ])])
        #expect(endpoints.metadata.labels == ["service.kubernetes.io/headless": ""])
        try #require(plan.slicesToCreate.count == 1)
        let slice = plan.slicesToCreate[0]
        #expect(slice.endpoints.map(\.hostname) == ["a-host", nil, nil])
        #expect(slice.ports == [])
        #expect(slice.labels["service.kubernetes.io/headless"] == "")
    }

    @Test func clusterIPServiceWithoutPortsHasNoSubsetsButSlices() throws {
        let service = Fixture.service(ports: [])
        let plan = EndpointsReconciler.plan(service: service, serviceKey: Fixture.key, pods: [Fixture.pod("a", ip: "10.244.0.2")],
                                            existingEndpoints: nil, existingSlices: [], options: .init())
        #expect(plan.endpoints.object?.subsets == [])
        #expect(plan.slicesToCreate.map(\.ips) == [["10.244.0.2"]])
    }

    @Test func reorderedOrReversionedEndpointsAreEqual() throws {
        var cluster = FakeCluster()
        let pods = [Fixture.pod("a", ip: "10.244.0.2"), Fixture.pod("b", ip: "10.244.0.3"), Fixture.pod("c", ip: "10.244.0.4", ready: false)]
        cluster.sync(Fixture.service(), pods: pods)
        var stored = try #require(cluster.endpoints)
        var subset = try #require(stored.subsets?.first)
        subset.addresses?.reverse()
        subset.addresses?[0].targetRef?.resourceVersion = "77"
        stored.subsets = [subset]
        stored.metadata.uid = "ep-uid"
        cluster.endpoints = stored
        #expect(cluster.plan(Fixture.service(), pods: pods).endpoints == .none)

        // A real change updates the stored object, keeping its identity.
        let plan = cluster.plan(Fixture.service(), pods: Array(pods.prefix(2)))
        guard case .update(let updated) = plan.endpoints else {
            Issue.record("expected an update, got \(plan.endpoints)")
            return
        }
        #expect(updated.metadata.uid == "ep-uid")
        #expect(updated.metadata.resourceVersion == stored.metadata.resourceVersion)
        #expect(updated.subsets?.first?.notReadyAddresses == nil)
    }
}
