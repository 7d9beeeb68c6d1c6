import EndpointsController
import SkiffAPI
import Testing

/// The slice reconciler against a fake cluster: packing, in-place updates, filling and no churn.
@Suite struct SlicePackingTests {
    let service = Fixture.service()

    /// 250 Pods as 3 slices of at most 100, then a no-op sync.
    private func seeded() -> FakeCluster {
        var cluster = FakeCluster()
        cluster.sync(service, pods: Fixture.pods(250))
        return cluster
    }

    @Test func packs250PodsInto3Slices() throws {
        var cluster = FakeCluster()
        let plan = cluster.sync(service, pods: Fixture.pods(250))
        #expect(plan.slicesToCreate.map(\.endpoints.count) == [100, 100, 50])
        #expect(plan.slicesToUpdate.isEmpty && plan.slicesToDelete.isEmpty)
        let slice = plan.slicesToCreate[0]
        #expect(slice.metadata.generateName == "web-")
        #expect(slice.metadata.name == nil)
        #expect(slice.namespace == "default")
        #expect(slice.labels == [EndpointSlice.serviceNameLabel: "web",
                                 EndpointSlice.managedByLabel: "endpointslice-controller.skiff.dev"])
        #expect(slice.metadata.ownerReferences == [OwnerReference(apiVersion: "v1", kind: "Service", name: "web", uid: "uid-web",
                                                                  controller: true, blockOwnerDeletion: true)])
        #expect(Set(plan.slicesToCreate.flatMap(\.ips)).count == 250)
        #expect(plan.endpoints.object?.subsets?.first?.addresses?.count == 250)
        #expect(cluster.plan(service, pods: Fixture.pods(250)).isEmpty, "a second sync writes nothing")
    }

    @Test func onePodChangeUpdatesExactlyOneSlice() throws {
        var cluster = seeded()
        let before = cluster.sliceList
        var pods = Fixture.pods(250)
        pods[137] = Fixture.pod("pod-137", ip: pods[137].podIP, ready: false)
        let plan = cluster.sync(service, pods: pods)
        #expect(plan.slicesToCreate.isEmpty && plan.slicesToDelete.isEmpty)
        try #require(plan.slicesToUpdate.count == 1)
        let updated = plan.slicesToUpdate[0]
        let original = try #require(before.first { $0.name == updated.name })
        #expect(updated.ips == original.ips, "same endpoints, changed in place")
        #expect(updated.endpoints.filter { $0.conditions?.ready == false }.map(\.targetRef?.name) == ["pod-137"])
        #expect(updated.metadata.resourceVersion == original.metadata.resourceVersion)
        if case .update(let endpoints) = plan.endpoints {
            #expect(endpoints.subsets?.first?.notReadyAddresses?.map(\.ip) == [pods[137].podIP ?? ""])
        } else {
            Issue.record("the Endpoints object must be updated, got \(plan.endpoints)")
        }
        #expect(cluster.plan(service, pods: pods).isEmpty)
    }

    @Test func removingPodsTouchesOnlyTheirSlice() throws {
        var cluster = seeded()
        let before = cluster.sliceList
        let first = try #require(before.first { $0.endpoints.count == 100 })
        let removed = Set(first.endpoints.prefix(60).compactMap(\.targetRef?.name))
        let pods = Fixture.pods(250).filter { !removed.contains($0.name) }
        let plan = cluster.sync(service, pods: pods)
        #expect(plan.slicesToCreate.isEmpty && plan.slicesToDelete.isEmpty)
        #expect(plan.slicesToUpdate.map(\.name) == [first.name])
        #expect(plan.slicesToUpdate.first?.endpoints.count == 40)
        for slice in before where slice.name != first.name {
            #expect(cluster.slices[slice.name] == slice, "slice \(slice.name) untouched")
        }
        #expect(cluster.plan(service, pods: pods).isEmpty)
    }

    @Test func newPodsFillThePartialSliceBeforeCreating() throws {
        var cluster = seeded()
        let partial = try #require(cluster.sliceList.first { $0.endpoints.count == 50 })
        let plan = cluster.sync(service, pods: Fixture.pods(280))
        #expect(plan.slicesToCreate.isEmpty && plan.slicesToDelete.isEmpty)
        #expect(plan.slicesToUpdate.map(\.name) == [partial.name])
        #expect(plan.slicesToUpdate.first?.endpoints.count == 80)
        // 80 more do not fit anywhere: a new slice, the full ones untouched.
        let next = cluster.sync(service, pods: Fixture.pods(360))
        #expect(next.slicesToCreate.map(\.endpoints.count) == [80])
        #expect(next.slicesToUpdate.isEmpty)
    }

    @Test func allPodsGoneLeavesOnePlaceholder() throws {
        var cluster = seeded()
        let plan = cluster.sync(service, pods: [])
        // One slice is recycled into the placeholder instead of delete + create.
        #expect(plan.slicesToCreate.isEmpty)
        #expect(plan.slicesToDelete.count == 2)
        try #require(plan.slicesToUpdate.count == 1)
        #expect(plan.slicesToUpdate[0].endpoints.isEmpty && plan.slicesToUpdate[0].ports == [])
        #expect(cluster.sliceList.count == 1)
        #expect(cluster.plan(service, pods: []).isEmpty, "the placeholder is kept")
    }

    @Test func portChangeRewritesSlicesInPlace() throws {
        var cluster = seeded()
        let names = cluster.sliceList.map(\.name)
        let changed = Fixture.service(ports: [ServicePort(name: "http", protocol: "TCP", port: 80, targetPort: .int(9090))])
        let plan = cluster.sync(changed, pods: Fixture.pods(250))
        #expect(plan.slicesToCreate.isEmpty && plan.slicesToDelete.isEmpty)
        #expect(plan.slicesToUpdate.map(\.name).sorted() == names)
        #expect(cluster.sliceList.allSatisfy { $0.ports == [EndpointSlicePort(name: "http", protocol: "TCP", port: 9090)] })
        #expect(cluster.plan(changed, pods: Fixture.pods(250)).isEmpty)
    }

    @Test func serviceLabelsAreCopiedAndFollowed() throws {
        var cluster = seeded()
        let labelled = Fixture.service(labels: ["team": "a", EndpointSlice.managedByLabel: "someone-else"])
        let plan = cluster.sync(labelled, pods: Fixture.pods(250))
        #expect(plan.slicesToUpdate.count == 3)
        #expect(plan.slicesToUpdate.allSatisfy {
            $0.labels == ["team": "a", EndpointSlice.serviceNameLabel: "web",
                          EndpointSlice.managedByLabel: "endpointslice-controller.skiff.dev"]
        })
        #expect(plan.endpoints.object?.metadata.labels == ["team": "a", EndpointSlice.managedByLabel: "someone-else"])
    }

    @Test func smallerMaximumMakesMoreSlices() {
        var options = EndpointsReconcilerOptions()
        options.maxEndpointsPerSlice = 10
        var cluster = FakeCluster()
        let plan = cluster.sync(service, pods: Fixture.pods(25), options: options)
        #expect(plan.slicesToCreate.map(\.endpoints.count) == [10, 10, 5])
    }
}
