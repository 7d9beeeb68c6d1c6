@testable import ClusterDNS
import SkiffAPI
import SkiffDNS
import Testing

/// What the controller builds from its caches.
@Suite struct DNSControllerSnapshotTests {
    static func pod(_ name: String, _ namespace: String, ip: String?) -> Pod {
        Pod(metadata: ObjectMeta(name: name, namespace: namespace), spec: PodSpec(containers: [Container(name: "c")]),
            status: PodStatus(podIP: ip))
    }

    @Test func verifiedPodsAndNamespacesReachTheSnapshot() throws {
        let snapshot = DNSController.snapshot(
            services: [], slices: [], namespaces: [Namespace(name: "quiet")],
            pods: [Self.pod("a", "default", ip: "10.244.0.5"), Self.pod("b", "default", ip: nil)])
        let config = try DNSConfig(podMode: .verified)
        func rcode(_ name: String) throws -> DNSRcode {
            let question = DNSQuestion(name: try DNSName(name), type: .a)
            return RecordBuilder.answer(question, snapshot: snapshot, config: config).rcode
        }
        #expect(try rcode("10-244-0-5.default.pod.cluster.local") == .noError)
        #expect(try rcode("10-244-0-6.default.pod.cluster.local") == .nxDomain)
        // An existing namespace without services: NODATA, not NXDOMAIN.
        #expect(try rcode("quiet.svc.cluster.local") == .noError)
        #expect(try rcode("absent.svc.cluster.local") == .nxDomain)
    }

    @Test func sameContentKeepsTheStoredSnapshot() throws {
        let store = DNSSnapshotStore(config: try DNSConfig())
        let build = { DNSController.snapshot(services: [], slices: [], namespaces: [Namespace(name: "x")], pods: nil) }
        #expect(store.replace(with: build()))
        #expect(!store.replace(with: build()))
        #expect(store.current.isReady)
    }
}
