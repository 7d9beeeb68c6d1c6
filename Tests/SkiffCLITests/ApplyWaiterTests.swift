import Foundation
import SkiffAPI
import SkiffCLI
import SkiffMessaging
import Testing

/// `apply --wait`: which components lag, read from their Leases.
struct ApplyWaiterTests {
    func lease(_ name: String, revision: Int64?, renewed: TimeInterval = 1) -> Lease {
        var lease = Lease(metadata: meta(name, "kube-system"), spec: LeaseSpec(holderIdentity: name, leaseDurationSeconds: 40,
                                                                                renewTime: MicroTime(fixedNow.addingTimeInterval(-renewed))))
        if let revision { lease.metadata.annotations = [Lease.programmedRevisionAnnotation: "\(revision)"] }
        return lease
    }

    func node(_ name: String, ready: Bool) -> Node {
        Node(metadata: meta(name, nil), status: NodeStatus(conditions: [NodeCondition(type: "Ready", status: ready ? "True" : "False")]))
    }

    func api(leases: [Lease], nodes: [Node]) -> FakeAPI {
        FakeAPI { request in
            switch request.resource {
            case "leases": .success(listJSON(leases, kind: "LeaseList"))
            case "nodes": .success(listJSON(nodes, kind: "NodeList"))
            default: .failure(notFound(request.resource, request.name))
            }
        }
    }

    @Test func nothingLagsWhenDNSAndEveryReadyNodesProxyHaveTheRevision() async throws {
        let fake = api(leases: [lease("coredns-controller", revision: 12), lease("kube-proxy-node-1", revision: 15)],
                       nodes: [node("node-1", ready: true), node("node-2", ready: false)])
        let lags = try await ApplyWaiter(client: fake, revision: 12, timeout: .seconds(1)).lags(now: fixedNow)
        #expect(lags.isEmpty)
    }

    @Test func namesEachComponentThatLagsAndWhy() async throws {
        let fake = api(leases: [lease("coredns-controller", revision: 9), lease("kube-proxy-node-2", revision: 20, renewed: 100)],
                       nodes: [node("node-1", ready: true), node("node-2", ready: true)])
        let lags = try await ApplyWaiter(client: fake, revision: 12, timeout: .seconds(1)).lags(now: fixedNow)
        #expect(lags.map(\.description) == [
            "kube-system/coredns-controller: at revision 9, not yet 12",
            "kube-system/kube-proxy-node-1: no Lease: the component is not running",
            "kube-system/kube-proxy-node-2: not renewed for 100 s: the component is not running",
        ])
    }

    @Test func timesOutNamingWhatLags() async throws {
        let fake = api(leases: [], nodes: [])
        var waiter = ApplyWaiter(client: fake, revision: 3, timeout: .milliseconds(100))
        waiter.poll = .milliseconds(10)
        let error = await #expect(throws: CLIError.self) { try await waiter.wait() }
        #expect(error?.code == .timeout)
        #expect(error?.message.contains("kube-system/coredns-controller: no Lease") == true)
    }
}
