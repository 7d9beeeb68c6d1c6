import SkiffAPI
@testable import SkiffDNS
import Testing

/// Named changes through the incremental builder: the answers after the change, and equality with a full build.
@Suite struct SnapshotBuilderTableTests {
    struct Check: Sendable {
        let qname: String
        let qtype: DNSType
        let rcode: DNSRcode
        var answer: [String] = []
    }

    struct State: Sendable {
        var services: [Service] = []
        var slices: [EndpointSlice] = []
        /// "namespace/name" -> IPs.
        var pods: [String: [String]] = [:]
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let before: State
        let after: State
        let checks: [Check]
        var testDescription: String { name }
    }

    static let z = "cluster.local"
    static func headless(_ name: String) -> Service { Fixture.service(name, clusterIP: "None") }
    static func external(_ name: String, _ target: String) -> Service {
        var service = Fixture.service(name, clusterIP: nil, type: Service.ServiceType.externalName)
        service.spec?.externalName = target
        return service
    }

    static let rows: [Row] = [
        Row(name: "a headless endpoint turns not ready: its A and PTR go",
            before: State(services: [headless("db")], slices: [Fixture.slice("db-a", service: "db", [
                Fixture.endpoint("10.244.1.5", hostname: "db-0"), Fixture.endpoint("10.244.1.6")])]),
            after: State(services: [headless("db")], slices: [Fixture.slice("db-a", service: "db", [
                Fixture.endpoint("10.244.1.5", hostname: "db-0"), Fixture.endpoint("10.244.1.6", ready: false)])]),
            checks: [
                Check(qname: "db.default.svc.\(z)", qtype: .a, rcode: .noError, answer: ["db.default.svc.\(z). 5 IN A 10.244.1.5"]),
                Check(qname: "6.1.244.10.in-addr.arpa", qtype: .ptr, rcode: .nxDomain),
                Check(qname: "10-244-1-6.db.default.svc.\(z)", qtype: .a, rcode: .nxDomain),
                Check(qname: "5.1.244.10.in-addr.arpa", qtype: .ptr, rcode: .noError,
                      answer: ["5.1.244.10.in-addr.arpa. 5 IN PTR db-0.db.default.svc.\(z)."]),
            ]),
        Row(name: "the last headless endpoint goes: NXDOMAIN",
            before: State(services: [headless("db")], slices: [Fixture.slice("db-a", service: "db", [Fixture.endpoint("10.244.1.5")])]),
            after: State(services: [headless("db")]),
            checks: [
                Check(qname: "db.default.svc.\(z)", qtype: .a, rcode: .nxDomain),
                Check(qname: "5.1.244.10.in-addr.arpa", qtype: .ptr, rcode: .nxDomain),
            ]),
        Row(name: "a slice moves to another Service",
            before: State(services: [headless("db"), headless("db2")],
                          slices: [Fixture.slice("s", service: "db", [Fixture.endpoint("10.244.1.5")])]),
            after: State(services: [headless("db"), headless("db2")],
                         slices: [Fixture.slice("s", service: "db2", [Fixture.endpoint("10.244.1.5")])]),
            checks: [
                Check(qname: "db.default.svc.\(z)", qtype: .a, rcode: .nxDomain),
                Check(qname: "db2.default.svc.\(z)", qtype: .a, rcode: .noError, answer: ["db2.default.svc.\(z). 5 IN A 10.244.1.5"]),
                Check(qname: "5.1.244.10.in-addr.arpa", qtype: .ptr, rcode: .noError,
                      answer: ["5.1.244.10.in-addr.arpa. 5 IN PTR 10-244-1-5.db2.default.svc.\(z)."]),
            ]),
        Row(name: "a ClusterIP change moves the PTR",
            before: State(services: [Fixture.service("web", clusterIP: "10.96.0.10")]),
            after: State(services: [Fixture.service("web", clusterIP: "10.96.0.20")]),
            checks: [
                Check(qname: "10.0.96.10.in-addr.arpa", qtype: .ptr, rcode: .nxDomain),
                Check(qname: "20.0.96.10.in-addr.arpa", qtype: .ptr, rcode: .noError,
                      answer: ["20.0.96.10.in-addr.arpa. 5 IN PTR web.default.svc.\(z)."]),
                Check(qname: "web.default.svc.\(z)", qtype: .a, rcode: .noError, answer: ["web.default.svc.\(z). 5 IN A 10.96.0.20"]),
            ]),
        Row(name: "ExternalName to ClusterIP",
            before: State(services: [external("ext", "example.com")]),
            after: State(services: [Fixture.service("ext", clusterIP: "10.96.0.30")]),
            checks: [
                Check(qname: "ext.default.svc.\(z)", qtype: .a, rcode: .noError, answer: ["ext.default.svc.\(z). 5 IN A 10.96.0.30"]),
                Check(qname: "ext.default.svc.\(z)", qtype: .cname, rcode: .noError),
                Check(qname: "30.0.96.10.in-addr.arpa", qtype: .ptr, rcode: .noError,
                      answer: ["30.0.96.10.in-addr.arpa. 5 IN PTR ext.default.svc.\(z)."]),
            ]),
        Row(name: "ClusterIP to ExternalName",
            before: State(services: [Fixture.service("ext", clusterIP: "10.96.0.30")]),
            after: State(services: [external("ext", "example.com")]),
            checks: [
                Check(qname: "ext.default.svc.\(z)", qtype: .a, rcode: .noError, answer: ["ext.default.svc.\(z). 5 IN CNAME example.com."]),
                Check(qname: "30.0.96.10.in-addr.arpa", qtype: .ptr, rcode: .nxDomain),
            ]),
        Row(name: "two headless Services share an IP: the PTR goes to the first, then to the other when it goes",
            before: State(services: [headless("a"), headless("b")], slices: [
                Fixture.slice("a-1", service: "a", [Fixture.endpoint("10.244.9.9")]),
                Fixture.slice("b-1", service: "b", [Fixture.endpoint("10.244.9.9")])]),
            after: State(services: [headless("b")], slices: [Fixture.slice("b-1", service: "b", [Fixture.endpoint("10.244.9.9")])]),
            checks: [
                Check(qname: "9.9.244.10.in-addr.arpa", qtype: .ptr, rcode: .noError,
                      answer: ["9.9.244.10.in-addr.arpa. 5 IN PTR 10-244-9-9.b.default.svc.\(z)."]),
            ]),
        Row(name: "verified pod records follow the pods; a shared IP stays while one pod has it",
            before: State(pods: ["default/p1": ["10.244.0.5"], "default/p2": ["10.244.0.5"], "shop/p3": ["10.244.0.7"]]),
            after: State(pods: ["default/p2": ["10.244.0.5"], "default/p4": ["10.244.0.8"]]),
            checks: [
                Check(qname: "10-244-0-5.default.pod.\(z)", qtype: .a, rcode: .noError,
                      answer: ["10-244-0-5.default.pod.\(z). 5 IN A 10.244.0.5"]),
                Check(qname: "10-244-0-8.default.pod.\(z)", qtype: .a, rcode: .noError,
                      answer: ["10-244-0-8.default.pod.\(z). 5 IN A 10.244.0.8"]),
                Check(qname: "10-244-0-7.shop.pod.\(z)", qtype: .a, rcode: .nxDomain),
                // The namespace existed only through its pod.
                Check(qname: "shop.svc.\(z)", qtype: .a, rcode: .nxDomain),
            ]),
    ]

    static func key(_ service: Service) -> DNSSnapshot.ServiceKey {
        DNSSnapshot.ServiceKey(namespace: service.namespace, name: service.name)
    }

    static func apply(_ state: State, over previous: State, to builder: inout DNSSnapshotBuilder) {
        let keys = Set((previous.services + state.services).map(key))
            .union((previous.slices + state.slices).compactMap { slice in
                slice.labels[EndpointSlice.serviceNameLabel].map { DNSSnapshot.ServiceKey(namespace: slice.namespace, name: $0) }
            })
        for key in keys {
            let service = state.services.first { Self.key($0) == key }
            let slices = state.slices.filter { $0.namespace == key.namespace && $0.labels[EndpointSlice.serviceNameLabel] == key.name }
            builder.update(service: key, to: service, slices: slices)
        }
        for pod in Set(previous.pods.keys).union(state.pods.keys) {
            builder.update(pod: pod, namespace: String(pod.split(separator: "/")[0]), ips: state.pods[pod] ?? [])
        }
    }

    static func full(_ state: State) -> DNSSnapshot {
        var podIPs: [String: [String]] = [:]
        for (pod, ips) in state.pods { podIPs[String(pod.split(separator: "/")[0]), default: []] += ips }
        return DNSSnapshot(services: state.services, endpointSlices: state.slices, podIPs: podIPs)
    }

    @Test(arguments: rows)
    func changeThroughTheBuilder(_ row: Row) throws {
        var builder = DNSSnapshotBuilder()
        Self.apply(row.before, over: State(), to: &builder)
        #expect(builder.snapshot == Self.full(row.before))
        Self.apply(row.after, over: row.before, to: &builder)
        let snapshot = builder.snapshot
        #expect(snapshot == Self.full(row.after))
        let config = try DNSConfig(podMode: .verified)
        for check in row.checks {
            let reply = try Fixture.ask(check.qname, check.qtype, snapshot: snapshot, config: config)
            #expect(reply.rcode == check.rcode, "\(check.qname) \(check.qtype)")
            #expect(reply.answers.map(\.description).sorted() == check.answer.sorted(), "\(check.qname) \(check.qtype)")
        }
    }
}
