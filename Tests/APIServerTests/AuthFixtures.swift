@testable import APIServer
import Foundation
import Logging
import SkiffAPI
import SkiffMessaging
import SkiffStore

/// The in-process apiserver core (TestAPI) behind the request gate: the token file below, the default policy
/// (manifests/policy/default-rbac.yaml plus node-1's and node-2's own ClusterRoles, as scripts/auth-bootstrap.sh
/// writes them) applied to the store, the policy cache on the commit observer, and optionally the Service quota
/// and an audit log.
final class AuthAPI: @unchecked Sendable {
    let api: TestAPI
    let policy = PolicyCache()
    let quota: ServiceQuota
    let handler: RequestHandler

    static let tokens = """
        # token,user,uid,"groups"
        admin-token,system:admin,u0,"system:masters"
        ep-token,system:endpoints-controller,u1
        dns-token,system:coredns,u2,""
        node1-token,system:node:node-1,u3,"system:nodes"
        node2-token,system:node:node-2,u4,"system:nodes"
        alice-token,alice,u5,"developers,qa"
        """

    init(anonymous: Bool = false, maxServices: Int = 0, audit: AuditLog? = nil) async throws {
        api = try await TestAPI()
        quota = ServiceQuota(limit: maxServices)
        try await quota.load(from: api.store)
        api.store.setCommitObserver { [policy, quota] events in
            policy.observe(events)
            quota.observe(events)
        }
        let registry = Registry(store: api.store, admission: AdmissionChain(plugins: [
            NamespaceLifecycle(store: api.store), Defaulting(), Validating(), api.allocation, quota,
        ]))
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        var handler = RequestHandler(registry: registry, namespaces: api.finalizer, watchEndpoint: "inproc://watch", logger: logger)
        handler.gate = RequestGate(authenticator: .tokens(try TokenFile.parse(Self.tokens), anonymous: anonymous), policy: policy, store: api.store)
        handler.audit = audit
        self.handler = handler
        try await PolicyFile.apply(try PolicyFile.parse(Self.defaultPolicy(), name: "policy.yaml"), registry: registry, logger: logger)
        try await policy.load(from: api.store)
    }

    func close() async { await api.close() }

    /// The repository's default policy and the per-node part the bootstrap script appends.
    static func defaultPolicy() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var text = try String(contentsOf: root.appendingPathComponent("manifests/policy/default-rbac.yaml"), encoding: .utf8)
        for node in ["node-1", "node-2"] {
            text += """

                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: "system:node:\(node)"}
                rules:
                - {apiGroups: [""], resources: [nodes, nodes/status], resourceNames: [\(node)], verbs: [get, update, patch]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: "system:node:\(node)"}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:node:\(node)"}
                subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: "system:node:\(node)"}]

                """
        }
        return text
    }

    func call(_ token: String?, _ verb: Verb, _ resource: String, namespace: String = "", name: String = "",
              params: [String: String] = [:], body: Data = Data()) async -> Response {
        await handler.handle(Request(verb: verb, resource: resource, namespace: namespace, name: name, token: token, params: params, body: body))
    }

    func call<T: Encodable>(_ token: String?, _ verb: Verb, _ resource: String, namespace: String = "", name: String = "",
                            object: T) async -> Response {
        await call(token, verb, resource, namespace: namespace, name: name, body: try! JSONEncoder().encode(object))
    }
}

func authPod(_ name: String, node: String?) -> Pod {
    Pod(metadata: ObjectMeta(name: name, namespace: "default"), spec: PodSpec(containers: [Container(name: "c")], nodeName: node))
}

func authLease(_ name: String, namespace: String) -> Lease {
    Lease(metadata: ObjectMeta(name: name, namespace: namespace), spec: LeaseSpec(holderIdentity: name))
}
