@testable import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import SkiffStore
import Testing

@Suite struct AuthPolicyTests {
    static func grant(_ verbs: [String], on resources: [String], to user: String, name: String, namespace: String? = nil) throws -> Data {
        let role = ClusterRole(metadata: ObjectMeta(name: name), rules: [PolicyRule(verbs: verbs, apiGroups: [""], resources: resources)])
        let subjects = [Subject(kind: Subject.user, name: user)]
        let ref = RoleRef(kind: "ClusterRole", name: name)
        let binding: any APIObject = if let namespace {
            RoleBinding(metadata: ObjectMeta(name: name, namespace: namespace), subjects: subjects, roleRef: ref)
        } else {
            ClusterRoleBinding(metadata: ObjectMeta(name: name), subjects: subjects, roleRef: ref)
        }
        return try APIClient.applyRequest([role, binding]).body
    }

    @Test func aPolicyAppliedThroughTheAPITakesEffectAtOnceAndADeleteRevokesIt() async throws {
        let auth = try await AuthAPI()
        defer { Task { await auth.close() } }
        #expect(await auth.call("alice-token", .list, "services").code == 403)
        let applied = await auth.call("admin-token", .apply, "", body: try Self.grant(["get", "list"], on: ["services"], to: "alice", name: "svc-reader"))
        #expect(applied.code == 200, "\(applied.text)")
        #expect(await auth.call("alice-token", .list, "services").code == 200)
        #expect(await auth.call("alice-token", .get, "services", namespace: "kube-system", name: "kube-dns").code == 200)
        #expect(await auth.call("alice-token", .delete, "services", namespace: "kube-system", name: "kube-dns").code == 403)

        #expect(await auth.call("admin-token", .delete, "clusterrolebindings", name: "svc-reader").code == 200)
        #expect(await auth.call("alice-token", .list, "services").code == 403)
    }

    @Test func aRoleBindingToAClusterRoleGrantsOnlyInItsNamespace() async throws {
        let auth = try await AuthAPI()
        defer { Task { await auth.close() } }
        let applied = await auth.call("admin-token", .apply, "", body: try Self.grant(["list"], on: ["pods"], to: "alice", name: "pod-lister", namespace: "default"))
        #expect(applied.code == 200, "\(applied.text)")
        #expect(await auth.call("alice-token", .list, "pods", namespace: "default").code == 200)
        #expect(await auth.call("alice-token", .list, "pods", namespace: "kube-system").code == 403)
        #expect(await auth.call("alice-token", .list, "pods").code == 403, "all namespaces need a ClusterRoleBinding")
    }

    @Test func groupsSubresourceWildcardsAndResourceNames() async throws {
        let auth = try await AuthAPI()
        defer { Task { await auth.close() } }
        let role = ClusterRole(metadata: ObjectMeta(name: "qa"), rules: [
            PolicyRule(verbs: ["update"], apiGroups: ["*"], resources: ["*/status"]),
            PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["services"], resourceNames: ["kube-dns"]),
        ])
        let binding = ClusterRoleBinding(metadata: ObjectMeta(name: "qa"), subjects: [Subject(kind: Subject.group, name: "qa")],
                                         roleRef: RoleRef(kind: "ClusterRole", name: "qa"))
        #expect(await auth.call("admin-token", .apply, "", body: try APIClient.applyRequest([role, binding]).body).code == 200)
        #expect(await auth.call("alice-token", .get, "services", namespace: "kube-system", name: "kube-dns").code == 200)
        #expect(await auth.call("alice-token", .get, "services", namespace: "kube-system", name: "other").code == 403)
        #expect(await auth.call("alice-token", .list, "services", namespace: "kube-system").code == 403, "resourceNames never match a list")
        let kubeDNS = try await auth.call("admin-token", .get, "services", namespace: "kube-system", name: "kube-dns").decode(Service.self)
        #expect(await auth.call("alice-token", .updateStatus, "services", namespace: "kube-system", name: "kube-dns", object: kubeDNS).code == 200)
        #expect(await auth.call("alice-token", .update, "services", namespace: "kube-system", name: "kube-dns", object: kubeDNS).code == 403)
    }

    @Test func aNodeMayWriteTheStatusOfItsOwnPodsOnly() async throws {
        let auth = try await AuthAPI()
        defer { Task { await auth.close() } }
        #expect(await auth.call("admin-token", .create, "pods", namespace: "default", object: authPod("on-two", node: "node-2")).code == 201)
        var pod = try await auth.call("admin-token", .get, "pods", namespace: "default", name: "on-two").decode(Pod.self)
        pod.status = PodStatus(phase: "Running", podIP: "127.244.2.5")
        let stolen = await auth.call("node1-token", .updateStatus, "pods", namespace: "default", name: "on-two", object: pod)
        #expect(stolen.code == 403)
        #expect(stolen.status?.message == #"pods "on-two" is forbidden: node "node-1" can only update pod status for pods with spec.nodeName set to itself"#)
        #expect(await auth.call("node1-token", .delete, "pods", namespace: "default", name: "on-two").code == 403)
        #expect(await auth.call("node2-token", .updateStatus, "pods", namespace: "default", name: "on-two", object: pod).code == 200)
        #expect(await auth.call("node2-token", .update, "pods", namespace: "default", name: "on-two", object: pod).code == 403, "a node writes status, not spec")
    }

    @Test func aControllerApplyingWhatItMustNotIsRefusedAndNothingIsWritten() async throws {
        let auth = try await AuthAPI()
        defer { Task { await auth.close() } }
        let endpoints = Endpoints(metadata: ObjectMeta(name: "web", namespace: "default"))
        let body = try APIClient.applyRequest([endpoints, service("web")]).body
        let response = await auth.call("ep-token", .apply, "", body: body)
        #expect(response.code == 403)
        #expect(response.status?.message == #"services is forbidden: User "system:endpoints-controller" cannot create resource "services" in API group "" in the namespace "default""#)
        #expect(await auth.call("admin-token", .get, "endpoints", namespace: "default", name: "web").code == 404)
    }

    @Test func thePolicyCacheFollowsCommitsAndIgnoresOlderNews() async throws {
        let cache = PolicyCache()
        let alice = RequestAttributes(user: UserInfo(name: "alice"), verb: "get", resource: "pods", namespace: "default", name: "p")
        let role = try JSONEncoder().encode(ClusterRole(metadata: ObjectMeta(name: "r"), rules: [PolicyRule(verbs: ["get"], apiGroups: [""], resources: ["pods"])]))
        let binding = try JSONEncoder().encode(ClusterRoleBinding(metadata: ObjectMeta(name: "b"), subjects: [Subject(kind: Subject.user, name: "alice")],
                                                                  roleRef: RoleRef(kind: "ClusterRole", name: "r")))
        func event(_ type: EventType, _ resource: String, _ name: String, _ value: Data, _ revision: Revision) -> StoreEvent {
            StoreEvent(type: type, object: StoredObject(key: StoreKey(resource: resource, namespace: "", name: name), value: value,
                                                        createRevision: revision, modRevision: revision), revision: revision)
        }
        cache.observe([event(.added, "clusterroles", "r", role, 5), event(.added, "clusterrolebindings", "b", binding, 6)])
        #expect(cache.index.allows(alice))
        cache.observe([event(.deleted, "clusterrolebindings", "b", binding, 8)])
        #expect(!cache.index.allows(alice))
        cache.observe([event(.modified, "clusterrolebindings", "b", binding, 7)])
        #expect(!cache.index.allows(alice), "a replayed older event must not resurrect a deleted binding")
    }
}
