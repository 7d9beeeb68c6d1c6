import NodeProxy
import SkiffAPI
import Testing

/// Services and slices projected into what a proxy programs.
struct ProjectionTests {
    @Test func clusterIPServiceGivesOnePortInfoPerPort() {
        let service = Fixtures.service("web", ports: [("http", 80, "TCP"), ("dns", 53, "UDP")], affinity: true)
        let ports = ServicePortInfo.ports(of: service)
        #expect(ports.count == 2)
        let http = ports[ServicePortName(namespace: "default", name: "web", port: "http", protocol: .tcp)]
        #expect(http?.clusterIPv4 == "127.96.1.1")
        #expect(http?.port == 80)
        #expect(http?.sessionAffinity == .clientIP(timeoutSeconds: SessionAffinity.defaultTimeoutSeconds))
        #expect(ports[ServicePortName(namespace: "default", name: "web", port: "dns", protocol: .udp)]?.port == 53)
    }

    struct Skipped: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var service: Service
    }

    @Test(arguments: [
        Skipped(testDescription: "headless", service: Fixtures.service("h", clusterIP: "None")),
        Skipped(testDescription: "ExternalName", service: Fixtures.service("x", clusterIP: "", type: "ExternalName")),
        Skipped(testDescription: "no cluster IP yet", service: Fixtures.service("n", clusterIP: "")),
        Skipped(testDescription: "unknown protocol", service: Fixtures.service("p", ports: [("q", 1, "QUIC")])),
    ])
    func servicesAProxyLeavesAlone(_ test: Skipped) {
        #expect(ServicePortInfo.ports(of: test.service).isEmpty)
    }

    @Test func sliceEndpointsKeyedByServicePort() {
        let slice = Fixtures.slice("web-abc", service: "web", endpoints: [
            .init(ip: "127.244.1.2"), .init(ip: "127.244.1.3", ready: false), .init(ip: "127.244.1.4", ready: false, serving: true, terminating: true, node: "node-1"),
        ])
        let endpoints = EndpointInfo.endpoints(of: slice)
        let list = endpoints[ServicePortName(namespace: "default", name: "web", port: "http", protocol: .tcp)] ?? []
        #expect(list.map(\.description) == ["127.244.1.2:8080", "127.244.1.3:8080", "127.244.1.4:8080"])
        #expect(list.map(\.ready) == [true, false, false])
        #expect(list[2].serving && list[2].terminating && list[2].nodeName == "node-1")
    }

    @Test func sliceWithoutServiceLabelGivesNothing() {
        var slice = Fixtures.slice("orphan", service: "web", endpoints: [.init(ip: "127.244.1.2")])
        slice.metadata.labels = nil
        #expect(EndpointInfo.endpoints(of: slice).isEmpty)
    }
}

/// Which endpoints receive traffic: Kubernetes' CategorizeEndpoints.
struct EndpointSelectionTests {
    let service = ServicePortInfo(clusterIPs: ["127.96.1.1"], port: 80)

    @Test func readyEndpointsWhenThereAreAny() {
        let endpoints = [EndpointInfo(ip: "10.0.0.2", port: 80), EndpointInfo(ip: "10.0.0.1", port: 80),
                         EndpointInfo(ip: "10.0.0.3", port: 80, ready: false, serving: true, terminating: true)]
        let selection = EndpointSelection(service: service, endpoints: endpoints, nodeName: "n1")
        #expect(selection.cluster.map(\.ip) == ["10.0.0.1", "10.0.0.2"])
        #expect(selection.external == selection.cluster)
    }

    @Test func servingTerminatingOnlyWhenNoneIsReady() {
        let endpoints = [EndpointInfo(ip: "10.0.0.3", port: 80, ready: false, serving: true, terminating: true),
                         EndpointInfo(ip: "10.0.0.4", port: 80, ready: false, serving: false, terminating: true),
                         EndpointInfo(ip: "10.0.0.5", port: 80, ready: false)]
        let selection = EndpointSelection(service: service, endpoints: endpoints, nodeName: "n1")
        #expect(selection.cluster.map(\.ip) == ["10.0.0.3"])
    }

    @Test func internalTrafficPolicyLocalKeepsThisNodesEndpoints() {
        var local = service
        local.internalTrafficLocal = true
        let endpoints = [EndpointInfo(ip: "10.0.0.1", port: 80, nodeName: "n1"), EndpointInfo(ip: "10.0.0.2", port: 80, nodeName: "n2")]
        #expect(EndpointSelection(service: local, endpoints: endpoints, nodeName: "n1").cluster.map(\.ip) == ["10.0.0.1"])
        #expect(EndpointSelection(service: local, endpoints: endpoints, nodeName: "n3").cluster.isEmpty)
        #expect(EndpointSelection(service: local, endpoints: endpoints, nodeName: "n3").external.count == 2)
    }

    @Test func duplicatesAcrossSlicesCountOnce() {
        let endpoints = [EndpointInfo(ip: "10.0.0.1", port: 80), EndpointInfo(ip: "10.0.0.1", port: 80)]
        #expect(EndpointSelection(service: service, endpoints: endpoints, nodeName: "n1").cluster.count == 1)
    }
}
