import EndpointsController
import Foundation
import SkiffAPI
import Testing

/// Address types (one set of slices per IP family) and Services being deleted.
@Suite struct AddressTypeTests {
    private func dualStackPod(_ name: String, v4: String, v6: String) throws -> Pod {
        var pod = Fixture.pod(name, ip: v4)
        let json = Data(#"[{"ip":"\#(v4)"},{"ip":"\#(v6)"}]"#.utf8)
        pod.status?.podIPs = try JSONDecoder().decode([PodIP].self, from: json)
        return pod
    }

    @Test func dualStackServiceGetsASliceSetPerFamily() throws {
        var service = Fixture.service()
        service.spec?.ipFamilies = ["IPv4", "IPv6"]
        let pods = [try dualStackPod("a", v4: "10.244.0.2", v6: "fd00::2")]
        let plan = EndpointsReconciler.plan(service: service, serviceKey: Fixture.key, pods: pods,
                                            existingEndpoints: nil, existingSlices: [], options: .init())
        #expect(plan.slicesToCreate.map(\.addressType) == ["IPv4", "IPv6"])
        #expect(plan.slicesToCreate.map(\.ips) == [["10.244.0.2"], ["fd00::2"]])
        // The Endpoints object carries the primary family only.
        #expect(plan.endpoints.object?.subsets?.first?.addresses?.map(\.ip) == ["10.244.0.2"])
    }

    @Test func slicesOfADroppedFamilyAreDeleted() throws {
        var service = Fixture.service()
        service.spec?.ipFamilies = ["IPv4", "IPv6"]
        let pods = [try dualStackPod("a", v4: "10.244.0.2", v6: "fd00::2")]
        var cluster = FakeCluster()
        cluster.sync(service, pods: pods)
        service.spec?.ipFamilies = ["IPv4"]
        let plan = cluster.sync(service, pods: pods)
        #expect(plan.slicesToDelete.map(\.addressType) == ["IPv6"])
        #expect(plan.slicesToCreate.isEmpty && plan.slicesToUpdate.isEmpty)
    }

    @Test func serviceBeingDeletedGetsNoNewSlices() {
        var service = Fixture.service()
        service.metadata.deletionTimestamp = Timestamp(Date(timeIntervalSince1970: 1_800_000_000))
        let plan = EndpointsReconciler.plan(service: service, serviceKey: Fixture.key, pods: Fixture.pods(3),
                                            existingEndpoints: nil, existingSlices: [], options: .init())
        #expect(plan.slicesToCreate.isEmpty)
        #expect(plan.endpoints.object?.subsets?.first?.addresses?.count == 3)
    }
}
