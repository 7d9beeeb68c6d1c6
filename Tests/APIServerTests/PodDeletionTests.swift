@testable import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// Graceful Pod deletion: a Pod running on a Ready node terminates first; the rest go at once.
@Suite struct PodDeletionTests {
    func pod(_ name: String, node: String?) -> Pod {
        Pod(metadata: ObjectMeta(name: name, namespace: "default"), spec: PodSpec(containers: [Container(name: "c")], nodeName: node))
    }

    func addNode(_ api: TestAPI, _ name: String, ready: Bool) async throws {
        let created = await api.call(.create, "nodes", object: Node(metadata: ObjectMeta(name: name)))
        #expect(created.code == 201, "\(created.text)")
        var node = try created.decode(Node.self)
        node.status = NodeStatus(conditions: [NodeCondition(type: "Ready", status: ready ? "True" : "False", lastHeartbeatTime: .now())])
        let updated = await api.call(.updateStatus, "nodes", name: name, object: node)
        #expect(updated.code == 200, "\(updated.text)")
    }

    func exists(_ api: TestAPI, _ name: String) async -> Pod? {
        let response = await api.call(.get, "pods", namespace: "default", name: name)
        return response.code == 200 ? try? response.decode(Pod.self) : nil
    }

    @Test func podOnAReadyNodeTerminatesUntilDeletedWithGraceZero() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        try await addNode(api, "node-1", ready: true)
        var spec = pod("web", node: "node-1")
        spec.spec?.terminationGracePeriodSeconds = 20
        #expect(await api.call(.create, "pods", namespace: "default", object: spec).code == 201)

        let first = await api.call(.delete, "pods", namespace: "default", name: "web")
        #expect(first.code == 200, "\(first.text)")
        let terminating = try #require(await exists(api, "web"))
        #expect(terminating.metadata.deletionGracePeriodSeconds == 20)
        let deadline = try #require(terminating.metadata.deletionTimestamp?.date)
        #expect(abs(deadline.timeIntervalSinceNow - 20) < 5)

        // A shorter grace brings the deadline forward; grace 0 removes it.
        _ = await api.call(.delete, "pods", namespace: "default", name: "web", params: ["gracePeriodSeconds": "2"])
        #expect(await exists(api, "web")?.metadata.deletionGracePeriodSeconds == 2)
        let last = await api.call(.delete, "pods", namespace: "default", name: "web", params: ["gracePeriodSeconds": "0"])
        #expect(last.code == 200)
        #expect(await exists(api, "web") == nil)
    }

    @Test func podsWithoutARunningKubeletGoAtOnce() async throws {
        let api = try await TestAPI()
        defer { Task { await api.close() } }
        try await addNode(api, "down", ready: false)
        for (name, node) in [("unbound", nil), ("on-down-node", "down"), ("on-missing-node", "gone")] as [(String, String?)] {
            #expect(await api.call(.create, "pods", namespace: "default", object: pod(name, node: node)).code == 201)
            #expect(await api.call(.delete, "pods", namespace: "default", name: name).code == 200)
            #expect(await exists(api, name) == nil, "\(name) should be deleted at once")
        }
    }
}
