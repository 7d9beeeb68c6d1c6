import EndpointsController
import SkiffAPI
import Testing

struct SelectorCase: Sendable, CustomTestStringConvertible {
    let name: String
    let selector: [String: String]
    let pods: [Pod]
    let expectedIPs: [String]
    var testDescription: String { name }
}

struct PortCase: Sendable, CustomTestStringConvertible {
    let name: String
    let servicePorts: [ServicePort]
    let pods: [Pod]
    /// Expected Endpoints subsets as (ports, ready IPs).
    let subsets: [([EndpointPort], [String])]
    /// Expected slices as (ports, IPs), sorted by ports.
    let slices: [([EndpointSlicePort], [String])]
    var testDescription: String { name }
}

@Suite struct SelectorAndPortTests {
    static let selectorCases: [SelectorCase] = [
        SelectorCase(name: "matches labels", selector: ["app": "web"],
                     pods: [Fixture.pod("a", ip: "10.244.0.2"), Fixture.pod("b", ip: "10.244.0.3", labels: ["app": "db"])],
                     expectedIPs: ["10.244.0.2"]),
        SelectorCase(name: "all labels must match", selector: ["app": "web", "tier": "front"],
                     pods: [Fixture.pod("a", ip: "10.244.0.2", labels: ["app": "web", "tier": "front", "x": "y"]),
                            Fixture.pod("b", ip: "10.244.0.3")],
                     expectedIPs: ["10.244.0.2"]),
        SelectorCase(name: "other namespace ignored", selector: ["app": "web"],
                     pods: [Fixture.pod("a", ip: "10.244.0.2", namespace: "other"), Fixture.pod("b", ip: "10.244.0.3")],
                     expectedIPs: ["10.244.0.3"]),
    ]

    @Test(arguments: selectorCases)
    func selectors(_ testCase: SelectorCase) throws {
        let plan = EndpointsReconciler.plan(service: Fixture.service(selector: testCase.selector), serviceKey: Fixture.key,
                                            pods: testCase.pods, existingEndpoints: nil, existingSlices: [], options: .init())
        let endpoints = try #require(plan.endpoints.object)
        #expect(endpoints.subsets?.flatMap { $0.addresses ?? [] }.map(\.ip) == testCase.expectedIPs)
        #expect(plan.slicesToCreate.flatMap(\.ips) == testCase.expectedIPs)
    }

    static let http = ContainerPort(name: "http", containerPort: 8080, protocol: "TCP")
    static let http9000 = ContainerPort(name: "http", containerPort: 9000, protocol: "TCP")
    static let portCases: [PortCase] = [
        PortCase(name: "numeric targetPort", servicePorts: [ServicePort(name: "web", protocol: "TCP", port: 80, targetPort: .int(8080))],
                 pods: [Fixture.pod("a", ip: "10.244.0.2")],
                 subsets: [([EndpointPort(name: "web", port: 8080, protocol: "TCP")], ["10.244.0.2"])],
                 slices: [([EndpointSlicePort(name: "web", protocol: "TCP", port: 8080)], ["10.244.0.2"])]),
        PortCase(name: "missing targetPort defaults to port", servicePorts: [ServicePort(port: 80)],
                 pods: [Fixture.pod("a", ip: "10.244.0.2")],
                 subsets: [([EndpointPort(port: 80, protocol: "TCP")], ["10.244.0.2"])],
                 slices: [([EndpointSlicePort(name: "", protocol: "TCP", port: 80)], ["10.244.0.2"])]),
        PortCase(name: "named targetPort resolved per pod",
                 servicePorts: [ServicePort(name: "web", protocol: "TCP", port: 80, targetPort: .string("http"))],
                 pods: [Fixture.pod("a", ip: "10.244.0.2", ports: [http]), Fixture.pod("b", ip: "10.244.0.3", ports: [http9000])],
                 subsets: [([EndpointPort(name: "web", port: 8080, protocol: "TCP")], ["10.244.0.2"]),
                           ([EndpointPort(name: "web", port: 9000, protocol: "TCP")], ["10.244.0.3"])],
                 slices: [([EndpointSlicePort(name: "web", protocol: "TCP", port: 8080)], ["10.244.0.2"]),
                          ([EndpointSlicePort(name: "web", protocol: "TCP", port: 9000)], ["10.244.0.3"])]),
        PortCase(name: "pod without the named port or with another protocol",
                 servicePorts: [ServicePort(name: "web", protocol: "TCP", port: 80, targetPort: .string("http"))],
                 pods: [Fixture.pod("a", ip: "10.244.0.2", ports: [http]), Fixture.pod("b", ip: "10.244.0.3"),
                        Fixture.pod("c", ip: "10.244.0.4", ports: [ContainerPort(name: "http", containerPort: 8080, protocol: "UDP")])],
                 subsets: [([EndpointPort(name: "web", port: 8080, protocol: "TCP")], ["10.244.0.2"])],
                 slices: [([], ["10.244.0.3", "10.244.0.4"]),
                          ([EndpointSlicePort(name: "web", protocol: "TCP", port: 8080)], ["10.244.0.2"])]),
        PortCase(name: "two ports, one pod lacks one",
                 servicePorts: [ServicePort(name: "web", protocol: "TCP", port: 80, targetPort: .string("http")),
                                ServicePort(name: "metrics", protocol: "TCP", port: 9100, targetPort: .int(9100))],
                 pods: [Fixture.pod("a", ip: "10.244.0.2", ports: [http]), Fixture.pod("b", ip: "10.244.0.3")],
                 subsets: [([EndpointPort(name: "metrics", port: 9100, protocol: "TCP")], ["10.244.0.2", "10.244.0.3"]),
                           ([EndpointPort(name: "web", port: 8080, protocol: "TCP")], ["10.244.0.2"])],
                 slices: [([EndpointSlicePort(name: "metrics", protocol: "TCP", port: 9100)], ["10.244.0.3"]),
                          ([EndpointSlicePort(name: "metrics", protocol: "TCP", port: 9100),
                            EndpointSlicePort(name: "web", protocol: "TCP", port: 8080)], ["10.244.0.2"])]),
    ]

    @Test(arguments: portCases)
    func ports(_ testCase: PortCase) throws {
        let service = Fixture.service(ports: testCase.servicePorts)
        let plan = EndpointsReconciler.plan(service: service, serviceKey: Fixture.key, pods: testCase.pods,
                                            existingEndpoints: nil, existingSlices: [], options: .init())
        let subsets = try #require(plan.endpoints.object?.subsets)
        #expect(subsets.map(\.ports) == testCase.subsets.map { $0.0 })
        #expect(subsets.map { ($0.addresses ?? []).map(\.ip) } == testCase.subsets.map { $0.1 })
        let slices = plan.slicesToCreate.sorted { describe($0.ports) < describe($1.ports) }
        #expect(slices.map(\.ports) == testCase.slices.map { $0.0 })
        #expect(slices.map(\.ips) == testCase.slices.map { $0.1 })
    }

    private func describe(_ ports: [EndpointSlicePort]?) -> String {
        (ports ?? []).map { "\($0.name ?? "")/\($0.port ?? 0)" }.joined(separator: ",")
    }
}
