@testable import APIServer
import Foundation
import Logging
import SkiffAPI
import SkiffMessaging
import SkiffStore
import Testing

/// What authentication, RBAC, the audit log and the quota add to a durable create, measured in one run on one
/// fsync'ing store: creates alternate, one by one, between the plain handler (no token file) and the gated one (a non-master
/// user allowed by a RoleBinding, audit on, quota on). The gate's own cost is also timed alone. Prints the numbers
/// (docs/BENCHMARKS.md has the skiff-bench run); asserts only what holds on any machine: the gate's cost is far
/// below 10% of a durable create.
@Suite(.serialized) struct AuthOverheadTests {
    @Test func theGateAddsLittleToADurableCreate() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-authcost-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteStore(directory: directory.appendingPathComponent("data"))
        let policy = PolicyCache()
        let quota = ServiceQuota(limit: 1_000_000)
        store.setCommitObserver { events in policy.observe(events); quota.observe(events) }
        let allocation = ServiceAllocation(clusterIPs: ClusterIPAllocator(range: try IPv4Range(cidr: "10.96.0.0/12")), nodePorts: PortAllocator())
        let registry = Registry(store: store, admission: AdmissionChain(plugins: [
            NamespaceLifecycle(store: store), Defaulting(), Validating(), allocation, quota,
        ]))
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let finalizer = NamespaceFinalizer(registry: registry, logger: logger)
        try await Bootstrap.ensureSystemObjects(registry: registry, allocation: allocation, logger: logger)
        let role = Role(metadata: ObjectMeta(name: "writer", namespace: "default"),
                        rules: [PolicyRule(verbs: ["create"], apiGroups: [""], resources: ["services"])])
        let binding = RoleBinding(metadata: ObjectMeta(name: "bench", namespace: "default"), subjects: [Subject(kind: Subject.user, name: "bench")],
                                  roleRef: RoleRef(kind: "Role", name: "writer"))
        let defaults = try PolicyFile.parse(try AuthAPI.defaultPolicy(), name: "policy.yaml")
        try await PolicyFile.apply(defaults + [role, binding], registry: registry, logger: logger)
        try await policy.load(from: store)

        let audit = try AuditLog(path: directory.appendingPathComponent("audit.log").path, maxSizeMB: 100)
        let plain = RequestHandler(registry: registry, namespaces: finalizer, watchEndpoint: "inproc://watch", logger: logger)
        var gated = plain
        let gate = RequestGate(authenticator: .tokens(try TokenFile.parse("bench-token,bench,u1\n"), anonymous: false), policy: policy, store: store)
        gated.gate = gate
        gated.audit = audit

        func create(_ handler: RequestHandler, _ name: String, token: String?) async throws -> Double {
            let body = try JSONEncoder().encode(service(name))
            let start = ContinuousClock.now
            let response = await handler.handle(Request(verb: .create, resource: "services", namespace: "default", token: token, body: body))
            let elapsed = ContinuousClock.now - start
            #expect(response.code == 201, "\(response.text)")
            return Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        }
        var without: [Double] = [], with: [Double] = []
        // Alternating one by one, first one then the other, so that fsync's ups and downs hit both alike.
        for index in 0..<300 {
            if index % 2 == 0 {
                without.append(try await create(plain, "p\(index)", token: nil))
                with.append(try await create(gated, "g\(index)", token: "bench-token"))
            } else {
                with.append(try await create(gated, "g\(index)", token: "bench-token"))
                without.append(try await create(plain, "p\(index)", token: nil))
            }
        }
        var gateOnly: [Double] = []
        let request = Request(verb: .create, resource: "services", namespace: "default", token: "bench-token", body: try JSONEncoder().encode(service("x")))
        for _ in 0..<2_000 {
            let start = ContinuousClock.now
            let decision = await gate.check(request)
            audit.record(AuditEvent(time: Date(), user: decision.user?.name ?? "", groups: decision.user?.groups ?? [], verb: "create",
                                    resource: "services", namespace: "default", name: "", decision: "allow", code: 201))
            let elapsed = ContinuousClock.now - start
            #expect(decision.refusal == nil)
            gateOnly.append(Double(elapsed.components.attoseconds) / 1e15)
        }
        audit.close()
        await store.close()
        func p50(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        let (plainP50, gatedP50, gateP50) = (p50(without), p50(with), p50(gateOnly))
        print(String(format: "auth overhead: durable create p50 plain %.3f ms, gated %.3f ms (%+.1f%%); gate+audit alone p50 %.1f µs (%.2f%% of a plain create)",
                     plainP50, gatedP50, (gatedP50 / plainP50 - 1) * 100, gateP50 * 1000, gateP50 / plainP50 * 100))
        #expect(gateP50 < plainP50 * 0.10)
    }
}
