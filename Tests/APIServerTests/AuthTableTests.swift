@testable import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// Users x verbs x resources -> 200/201/401/403/404 through the whole gate (token file, default policy, node
/// restriction). A 404 means the request was let through and found nothing, which is what these cases need.
@Suite struct AuthTableTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var token: String?
        var verb: Verb
        var resource: String
        var namespace = ""
        var object = ""
        var body: Body = .none
        var params: [String: String] = [:]
        var code: Int
        var message: String? = nil

        enum Body: Sendable { case none, service, endpoints, lease(String, String), node(String) }

        var testDescription: String { name }

        func data() -> Data {
            let encoder = JSONEncoder()
            switch body {
            case .none: return Data()
            case .service: return try! encoder.encode(service("web", namespace: namespace.isEmpty ? "default" : namespace))
            case .endpoints: return try! encoder.encode(Endpoints(metadata: ObjectMeta(name: "web", namespace: "default")))
            case .lease(let name, let namespace): return try! encoder.encode(authLease(name, namespace: namespace))
            case .node(let name): return try! encoder.encode(Node(metadata: ObjectMeta(name: name)))
            }
        }
    }

    static let cases: [Case] = [
        Case(name: "no token is 401", token: nil, verb: .list, resource: "services", code: 401, message: "Unauthorized"),
        Case(name: "forged token is 401", token: "forged", verb: .list, resource: "services", code: 401),
        Case(name: "no token, discover is 401", token: nil, verb: .discover, resource: "", code: 401),
        Case(name: "admin creates a service", token: "admin-token", verb: .create, resource: "services", namespace: "default", body: .service, code: 201),
        Case(name: "admin lists nodes", token: "admin-token", verb: .list, resource: "nodes", code: 200),
        Case(name: "endpoints-controller lists services everywhere", token: "ep-token", verb: .list, resource: "services", code: 200),
        Case(name: "endpoints-controller lists pods with watch", token: "ep-token", verb: .list, resource: "pods", params: ["watch": "true"], code: 200),
        Case(name: "endpoints-controller gets a namespace", token: "ep-token", verb: .get, resource: "namespaces", object: "default", code: 200),
        Case(name: "endpoints-controller creates endpoints", token: "ep-token", verb: .create, resource: "endpoints", namespace: "default", body: .endpoints, code: 201),
        Case(name: "endpoints-controller deletes a slice", token: "ep-token", verb: .delete, resource: "endpointslices", namespace: "default", object: "none", code: 404),
        Case(name: "endpoints-controller may not create services", token: "ep-token", verb: .create, resource: "services", namespace: "default", body: .service, code: 403,
             message: #"services is forbidden: User "system:endpoints-controller" cannot create resource "services" in API group "" in the namespace "default""#),
        Case(name: "endpoints-controller may not delete services", token: "ep-token", verb: .delete, resource: "services", namespace: "kube-system", object: "kube-dns", code: 403,
             message: #"services "kube-dns" is forbidden: User "system:endpoints-controller" cannot delete resource "services" in API group "" in the namespace "kube-system""#),
        Case(name: "endpoints-controller may not list nodes", token: "ep-token", verb: .list, resource: "nodes", code: 403,
             message: #"nodes is forbidden: User "system:endpoints-controller" cannot list resource "nodes" in API group "" at the cluster scope"#),
        Case(name: "coredns lists endpointslices", token: "dns-token", verb: .list, resource: "endpointslices", code: 200),
        Case(name: "coredns lists pods in a namespace", token: "dns-token", verb: .list, resource: "pods", namespace: "default", code: 200),
        Case(name: "coredns writes its lease in kube-system", token: "dns-token", verb: .create, resource: "leases", namespace: "kube-system", body: .lease("coredns", "kube-system"), code: 201),
        Case(name: "coredns may not write leases in default", token: "dns-token", verb: .create, resource: "leases", namespace: "default", body: .lease("coredns", "default"), code: 403,
             message: #"leases.coordination.k8s.io is forbidden: User "system:coredns" cannot create resource "leases" in API group "coordination.k8s.io" in the namespace "default""#),
        Case(name: "coredns may not write endpoints", token: "dns-token", verb: .create, resource: "endpoints", namespace: "default", body: .endpoints, code: 403),
        Case(name: "node lists pods", token: "node1-token", verb: .list, resource: "pods", code: 200),
        Case(name: "node lists services and slices", token: "node1-token", verb: .list, resource: "endpointslices", code: 200),
        Case(name: "node registers its own Node", token: "node1-token", verb: .create, resource: "nodes", body: .node("node-1"), code: 201),
        Case(name: "node may not register another Node", token: "node1-token", verb: .create, resource: "nodes", body: .node("node-2"), code: 403,
             message: #"nodes "node-2" is forbidden: node "node-1" is not allowed to modify node "node-2""#),
        Case(name: "node may not update another Node's status", token: "node1-token", verb: .updateStatus, resource: "nodes", object: "node-2", body: .node("node-2"), code: 403,
             message: #"nodes "node-2" is forbidden: User "system:node:node-1" cannot update resource "nodes/status" in API group "" at the cluster scope"#),
        Case(name: "node renews its own lease", token: "node1-token", verb: .create, resource: "leases", namespace: "kube-node-lease", body: .lease("node-1", "kube-node-lease"), code: 201),
        Case(name: "node may not write another node's lease", token: "node1-token", verb: .create, resource: "leases", namespace: "kube-node-lease", body: .lease("node-2", "kube-node-lease"), code: 403,
             message: #"leases.coordination.k8s.io "node-2" is forbidden: can only access node lease with the same name as the requesting node"#),
        Case(name: "kube-proxy (node identity) writes its lease in kube-system", token: "node2-token", verb: .create, resource: "leases", namespace: "kube-system", body: .lease("kube-proxy-node-2", "kube-system"), code: 201),
        Case(name: "node may not create services", token: "node1-token", verb: .create, resource: "services", namespace: "default", body: .service, code: 403),
        Case(name: "user without bindings may discover", token: "alice-token", verb: .discover, resource: "", code: 200),
        Case(name: "user without bindings may not list", token: "alice-token", verb: .list, resource: "services", code: 403,
             message: #"services is forbidden: User "alice" cannot list resource "services" in API group "" at the cluster scope"#),
        Case(name: "user without bindings may not read RBAC", token: "alice-token", verb: .get, resource: "clusterroles", object: "system:node", code: 403,
             message: #"clusterroles.rbac.authorization.k8s.io "system:node" is forbidden: User "alice" cannot get resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope"#),
    ]

    @Test(arguments: cases) func gate(_ testCase: Case) async throws {
        let auth = try await AuthAPI()
        defer { Task { await auth.close() } }
        let response = await auth.call(testCase.token, testCase.verb, testCase.resource, namespace: testCase.namespace, name: testCase.object,
                                       params: testCase.params, body: testCase.data())
        #expect(response.code == testCase.code, "\(response.text)")
        if let message = testCase.message { #expect(response.status?.message == message) }
        if testCase.code == 403 { #expect(response.status?.reason == "Forbidden") }
    }

    @Test func anonymousRequestsAreAnonymousButForgedTokensStay401() async throws {
        let auth = try await AuthAPI(anonymous: true)
        defer { Task { await auth.close() } }
        let anonymous = await auth.call(nil, .list, "services")
        #expect(anonymous.code == 403)
        #expect(anonymous.status?.message == #"services is forbidden: User "system:anonymous" cannot list resource "services" in API group "" at the cluster scope"#)
        #expect(await auth.call(nil, .discover, "").code == 403, "discovery is for system:authenticated")
        #expect(await auth.call("forged", .list, "services").code == 401)
    }

    @Test func watchingNeedsTheWatchVerb() async throws {
        let auth = try await AuthAPI()
        defer { Task { await auth.close() } }
        let role = ClusterRole(metadata: ObjectMeta(name: "list-only"), rules: [PolicyRule(verbs: ["list"], apiGroups: [""], resources: ["services"])])
        let binding = ClusterRoleBinding(metadata: ObjectMeta(name: "alice-list-only"), subjects: [Subject(kind: Subject.user, name: "alice")],
                                         roleRef: RoleRef(kind: "ClusterRole", name: "list-only"))
        #expect(await auth.call("admin-token", .create, "clusterroles", object: role).code == 201)
        #expect(await auth.call("admin-token", .create, "clusterrolebindings", object: binding).code == 201)
        #expect(await auth.call("alice-token", .list, "services").code == 200)
        let watching = await auth.call("alice-token", .list, "services", params: ["watch": "true"])
        #expect(watching.code == 403)
        #expect(watching.status?.message == #"services is forbidden: User "alice" cannot watch resource "services" in API group "" at the cluster scope"#)
    }
}
