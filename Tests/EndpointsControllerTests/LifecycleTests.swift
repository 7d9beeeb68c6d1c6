import EndpointsController
import SkiffAPI
import Testing

/// Selectorless (mirrored), ExternalName and deleted Services.
@Suite struct LifecycleTests {
    static let userEndpoints: Endpoints = {
        var endpoints = Endpoints(metadata: ObjectMeta(name: "web", namespace: "default", labels: ["team": "a"],
                                                       annotations: ["note": "x", "kubectl.kubernetes.io/last-applied-configuration": "{}"]))
        endpoints.metadata.uid = "ep-uid"
        endpoints.subsets = [
            EndpointSubset(addresses: [EndpointAddress(ip: "192.168.1.10"), EndpointAddress(ip: "192.168.1.11", hostname: "db-0")],
                           notReadyAddresses: [EndpointAddress(ip: "192.168.1.12")],
                           ports: [EndpointPort(name: "sql", port: 5432, protocol: "TCP")]),
            EndpointSubset(addresses: [EndpointAddress(ip: "not-an-ip"), EndpointAddress(ip: "fd00::1")],
                           ports: [EndpointPort(name: "sql", port: 5432, protocol: "TCP")]),
        ]
        return endpoints
    }()

    @Test func selectorlessServiceIsMirrored() throws {
        var cluster = FakeCluster()
        cluster.endpoints = Self.userEndpoints
        let service = Fixture.service(selector: nil)
        let plan = cluster.sync(service, pods: [Fixture.pod("a", ip: "10.244.0.2")])
        #expect(plan.endpoints == .none, "the user's Endpoints are left alone")
        #expect(plan.slicesToCreate.map(\.addressType) == ["IPv4", "IPv6"])
        let v4 = try #require(plan.slicesToCreate.first)
        #expect(v4.endpoints == [
            Endpoint(addresses: ["192.168.1.10"], conditions: EndpointConditions(ready: true)),
            Endpoint(addresses: ["192.168.1.11"], conditions: EndpointConditions(ready: true), hostname: "db-0"),
            Endpoint(addresses: ["192.168.1.12"], conditions: EndpointConditions(ready: false)),
        ])
        #expect(v4.ports == [EndpointSlicePort(name: "sql", protocol: "TCP", port: 5432)])
        #expect(v4.labels == ["team": "a", EndpointSlice.serviceNameLabel: "web",
                              EndpointSlice.managedByLabel: "endpointslicemirroring-controller.skiff.dev"])
        #expect(v4.metadata.annotations == ["note": "x"])
        #expect(v4.metadata.ownerReferences == [OwnerReference(apiVersion: "v1", kind: "Endpoints", name: "web", uid: "ep-uid",
                                                               controller: true, blockOwnerDeletion: true)])
        #expect(plan.slicesToCreate.last?.ips == ["fd00::1"])
        #expect(cluster.plan(service, pods: []).isEmpty, "mirroring is stable")

        // The user drops an address: the mirrored slice is updated in place.
        var edited = Self.userEndpoints
        edited.subsets?[0].notReadyAddresses = nil
        cluster.endpoints = edited
        let next = cluster.sync(service, pods: [])
        #expect(next.slicesToCreate.isEmpty && next.slicesToDelete.isEmpty)
        #expect(next.slicesToUpdate.map(\.ips) == [["192.168.1.10", "192.168.1.11"]])
    }

    @Test func mirroringIsCappedPerSubsetAndCanBeSkipped() throws {
        var endpoints = Endpoints(metadata: ObjectMeta(name: "web", namespace: "default"))
        endpoints.subsets = [EndpointSubset(addresses: (1...5).map { EndpointAddress(ip: "192.168.1.\($0)") })]
        var options = EndpointsReconcilerOptions()
        options.maxMirroredEndpointsPerSubset = 3
        let plan = EndpointsReconciler.plan(service: Fixture.service(selector: nil), serviceKey: Fixture.key, pods: [],
                                            existingEndpoints: endpoints, existingSlices: [], options: options)
        #expect(plan.slicesToCreate.map(\.ips) == [["192.168.1.1", "192.168.1.2", "192.168.1.3"]])

        var cluster = FakeCluster()
        cluster.endpoints = endpoints
        cluster.sync(Fixture.service(selector: nil), pods: [])
        endpoints.metadata.labels = ["endpointslice.kubernetes.io/skip-mirror": "true"]
        cluster.endpoints = endpoints
        let skipped = cluster.sync(Fixture.service(selector: nil), pods: [])
        #expect(skipped.slicesToDelete.count == 1 && skipped.slicesToCreate.isEmpty)
    }

    @Test func removingTheSelectorSwitchesToMirroring() throws {
        var cluster = FakeCluster()
        cluster.sync(Fixture.service(), pods: [Fixture.pod("a", ip: "10.244.0.2")])
        let built = cluster.sliceList
        let plan = cluster.sync(Fixture.service(selector: nil), pods: [Fixture.pod("a", ip: "10.244.0.2")])
        #expect(plan.endpoints == .none)
        #expect(plan.slicesToDelete == built)
        #expect(plan.slicesToCreate.map(\.labels[EndpointSlice.managedByLabel]) == ["endpointslicemirroring-controller.skiff.dev"])
    }

    @Test func externalNameGetsNothing() {
        var cluster = FakeCluster()
        cluster.sync(Fixture.service(), pods: [Fixture.pod("a", ip: "10.244.0.2")])
        let external = Fixture.service(type: "ExternalName")
        let plan = cluster.sync(external, pods: [Fixture.pod("a", ip: "10.244.0.2")])
        #expect(plan.endpoints == .none)
        #expect(plan.slicesToCreate.isEmpty && plan.slicesToUpdate.isEmpty)
        #expect(plan.slicesToDelete.count == 1)
        #expect(cluster.sliceList.isEmpty)
        #expect(cluster.plan(external, pods: []).isEmpty)

        let fresh = EndpointsReconciler.plan(service: external, serviceKey: Fixture.key, pods: [Fixture.pod("a", ip: "10.244.0.2")],
                                             existingEndpoints: nil, existingSlices: [], options: .init())
        #expect(fresh.isEmpty)
    }

    @Test func deletedServiceRemovesEverythingItManaged() {
        var cluster = FakeCluster()
        cluster.sync(Fixture.service(), pods: Fixture.pods(150))
        var foreign = EndpointSlice(metadata: ObjectMeta(name: "web-manual", namespace: "default",
                                                         labels: [EndpointSlice.serviceNameLabel: "web"]))
        foreign.metadata.resourceVersion = "1"
        cluster.slices[foreign.name] = foreign
        let plan = cluster.sync(nil, pods: Fixture.pods(150))
        #expect(plan.endpoints == .delete("web"))
        #expect(plan.slicesToDelete.count == 2)
        #expect(plan.slicesToCreate.isEmpty && plan.slicesToUpdate.isEmpty)
        #expect(cluster.sliceList == [foreign], "slices of other managers stay")
        #expect(cluster.plan(nil, pods: []).isEmpty)
    }

    @Test func slicesOfAnOldServiceWithTheSameNameAreReplaced() throws {
        var cluster = FakeCluster()
        cluster.sync(Fixture.service(), pods: [Fixture.pod("a", ip: "10.244.0.2")])
        var recreated = Fixture.service()
        recreated.metadata.uid = "uid-new"
        let plan = cluster.sync(recreated, pods: [Fixture.pod("a", ip: "10.244.0.2")])
        // Not owned by the new Service: deleted, and a new slice is created (never recycled).
        #expect(plan.slicesToDelete.count == 1)
        #expect(plan.slicesToCreate.first?.metadata.ownerReferences?.first?.uid == "uid-new")
    }
}
