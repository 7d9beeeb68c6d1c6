@testable import SkiffAPI
import Testing

@Suite struct ServiceDefaultingTests {
    @Test func clusterIPService() {
        let spec = Fixtures.service().spec
        #expect(spec?.type == "ClusterIP")
        #expect(spec?.ports?[0].protocol == "TCP")
        #expect(spec?.ports?[0].targetPort == .int(80))
        #expect(spec?.sessionAffinity == "None")
        #expect(spec?.sessionAffinityConfig == nil)
        #expect(spec?.internalTrafficPolicy == "Cluster")
        #expect(spec?.externalTrafficPolicy == nil)
        #expect(spec?.allocateLoadBalancerNodePorts == nil)
        #expect(spec?.ipFamilies == ["IPv4"])
        #expect(spec?.ipFamilyPolicy == "SingleStack")
    }

    @Test func namedTargetPortIsKept() {
        #expect(Fixtures.service { $0.spec?.ports?[0].targetPort = .string("http") }.spec?.ports?[0].targetPort == .string("http"))
        #expect(Fixtures.service { $0.spec?.ports?[0].targetPort = .string("") }.spec?.ports?[0].targetPort == .int(80))
        #expect(Fixtures.service { $0.spec?.ports?[0].targetPort = .int(0) }.spec?.ports?[0].targetPort == .int(80))
    }

    @Test func nodePortAndLoadBalancer() {
        #expect(Fixtures.service { $0.spec?.type = "NodePort" }.spec?.externalTrafficPolicy == "Cluster")
        let lb = Fixtures.service { $0.spec?.type = "LoadBalancer" }.spec
        #expect(lb?.externalTrafficPolicy == "Cluster")
        #expect(lb?.allocateLoadBalancerNodePorts == true)
        #expect(Fixtures.service { $0.spec?.externalIPs = ["192.0.2.1"] }.spec?.externalTrafficPolicy == "Cluster")
    }

    @Test func externalNameGetsNoIPFieldsOrInternalPolicy() {
        let spec = Fixtures.service { $0.spec = ServiceSpec(type: "ExternalName"); $0.spec?.externalName = "db.example.com" }.spec
        #expect(spec?.internalTrafficPolicy == nil)
        #expect(spec?.ipFamilies == nil)
        #expect(spec?.ipFamilyPolicy == nil)
        #expect(spec?.sessionAffinity == "None")
    }

    @Test func ipFamilies() {
        #expect(Fixtures.service { $0.spec?.clusterIP = "fd00::10" }.spec?.ipFamilies == ["IPv6"])
        let dual = Fixtures.service { $0.spec?.clusterIP = "fd00::10"; $0.spec?.clusterIPs = ["fd00::10", "10.96.0.10"] }.spec
        #expect(dual?.ipFamilies == ["IPv6", "IPv4"])
        #expect(dual?.ipFamilyPolicy == "RequireDualStack")
        let headless = Fixtures.service { $0.spec?.clusterIP = "None" }.spec
        #expect(headless?.ipFamilies == ["IPv4"])
        let selectorless = Fixtures.service { $0.spec?.clusterIP = "None"; $0.spec?.selector = nil }.spec
        #expect(selectorless?.ipFamilies == nil)
        #expect(selectorless?.ipFamilyPolicy == nil)
        #expect(Fixtures.service { $0.spec?.ipFamilyPolicy = "PreferDualStack" }.spec?.ipFamilyPolicy == "PreferDualStack")
    }

    @Test func sessionAffinity() {
        let clientIP = Fixtures.service { $0.spec?.sessionAffinity = "ClientIP" }.spec
        #expect(clientIP?.sessionAffinityConfig?.clientIP?.timeoutSeconds == 10800)
        let kept = Fixtures.service {
            $0.spec?.sessionAffinity = "ClientIP"
            $0.spec?.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 60))
        }.spec
        #expect(kept?.sessionAffinityConfig?.clientIP?.timeoutSeconds == 60)
        let none = Fixtures.service { $0.spec?.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 60)) }.spec
        #expect(none?.sessionAffinityConfig == nil)
    }

    @Test func missingSpecIsDefaulted() {
        var service = Service(metadata: ObjectMeta(name: "web", namespace: "default"), spec: nil)
        service.setDefaults()
        #expect(service.spec?.type == "ClusterIP")
    }
}

@Suite struct PodDefaultingTests {
    @Test func podSpec() {
        let spec = Fixtures.pod().spec
        #expect(spec?.restartPolicy == "Always")
        #expect(spec?.terminationGracePeriodSeconds == 30)
        #expect(spec?.dnsPolicy == "ClusterFirst")
        #expect(spec?.schedulerName == "default-scheduler")
        let container = spec?.containers[0]
        #expect(container?.ports?[0].protocol == "TCP")
        #expect(container?.ports?[0].hostPort == nil)
        #expect(container?.imagePullPolicy == "IfNotPresent")
        #expect(container?.terminationMessagePath == "/dev/termination-log")
        #expect(container?.terminationMessagePolicy == "File")
    }

    @Test(arguments: [
        ("nginx:1.25", "IfNotPresent"), ("nginx", "Always"), ("nginx:latest", "Always"),
        ("registry.local:5000/web", "Always"), ("registry.local:5000/web:v2", "IfNotPresent"),
        ("nginx@sha256:0123abcd", "IfNotPresent"), ("nginx:latest@sha256:0123abcd", "Always"),
    ])
    func imagePullPolicy(_ image: String, _ policy: String) {
        #expect(Fixtures.pod { $0.spec?.containers[0].image = image }.spec?.containers[0].imagePullPolicy == policy)
    }

    @Test func explicitValuesWin() {
        let spec = Fixtures.pod {
            $0.spec?.restartPolicy = "Never"
            $0.spec?.terminationGracePeriodSeconds = 5
            $0.spec?.containers[0].imagePullPolicy = "Never"
            $0.spec?.containers[0].ports?[0].protocol = "UDP"
        }.spec
        #expect(spec?.restartPolicy == "Never")
        #expect(spec?.terminationGracePeriodSeconds == 5)
        #expect(spec?.containers[0].imagePullPolicy == "Never")
        #expect(spec?.containers[0].ports?[0].protocol == "UDP")
    }

    @Test func probes() {
        let container = Fixtures.pod {
            $0.spec?.containers[0].readinessProbe = Probe(httpGet: HTTPGetAction(port: .string("http")))
            $0.spec?.containers[0].livenessProbe = Fixtures.tcpProbe(port: .int(8080))
            $0.spec?.containers[0].livenessProbe?.periodSeconds = 0
            $0.spec?.containers[0].livenessProbe?.failureThreshold = 5
        }.spec?.containers[0]
        let readiness = container?.readinessProbe
        #expect(readiness?.httpGet?.path == "/")
        #expect(readiness?.httpGet?.scheme == "HTTP")
        #expect(readiness?.timeoutSeconds == 1)
        #expect(readiness?.periodSeconds == 10)
        #expect(readiness?.successThreshold == 1)
        #expect(readiness?.failureThreshold == 3)
        #expect(container?.livenessProbe?.periodSeconds == 10)
        #expect(container?.livenessProbe?.failureThreshold == 5)
    }

    @Test func hostNetworkMakesContainerPortsHostPorts() {
        #expect(Fixtures.pod { $0.spec?.hostNetwork = true }.spec?.containers[0].ports?[0].hostPort == 8080)
    }

    @Test func missingSpecLeavesOnlyContainersMissing() {
        var pod = Pod(metadata: ObjectMeta(name: "p", namespace: "default"))
        pod.setDefaults()
        #expect(pod.validate().messages == ["spec.containers: Required value"])
    }

    @Test func initContainers() {
        let spec = Fixtures.pod { $0.spec?.initContainers = [Fixtures.container("setup", image: "busybox", ports: nil)] }.spec
        #expect(spec?.initContainers?[0].imagePullPolicy == "Always")
        #expect(spec?.initContainers?[0].terminationMessagePolicy == "File")
    }
}

@Suite struct OtherKindsDefaultingTests {
    @Test func namespace() {
        var namespace = Namespace(name: "team-a", labels: ["owner": "me"])
        namespace.setDefaults()
        #expect(namespace.status?.phase == "Active")
        #expect(namespace.metadata.labels == ["owner": "me", "kubernetes.io/metadata.name": "team-a"])
        namespace.status = NamespaceStatus(phase: "Terminating")
        namespace.setDefaults()
        #expect(namespace.status?.phase == "Terminating")
    }

    @Test func endpoints() {
        var endpoints = Endpoints(metadata: ObjectMeta(name: "web", namespace: "default"), subsets: [
            EndpointSubset(addresses: [EndpointAddress(ip: "10.244.1.5")], ports: [EndpointPort(name: "http", port: 80), EndpointPort(name: "dns", port: 53, protocol: "UDP")]),
        ])
        endpoints.setDefaults()
        #expect(endpoints.subsets?[0].ports?.map(\.protocol) == ["TCP", "UDP"])
    }

    @Test func endpointSlice() {
        var slice = EndpointSlice(metadata: ObjectMeta(name: "web-1", namespace: "default"), ports: [EndpointSlicePort(port: 80)])
        slice.setDefaults()
        #expect(slice.ports?[0].protocol == "TCP")
        #expect(slice.ports?[0].name == "")
    }

    @Test func node() {
        var node = Node(metadata: ObjectMeta(name: "node-1"), status: NodeStatus(capacity: ["pods": "110"]))
        node.setDefaults()
        #expect(node.status?.allocatable == ["pods": "110"])
    }
}

/// Defaulting twice is defaulting once, and a defaulted manifest is valid: the apiserver relies on both.
@Suite struct DefaultingIdempotenceTests {
    struct Object: Sendable, CustomTestStringConvertible {
        let name: String
        let object: any APIObject
        var testDescription: String { name }
    }

    static let objects: [Object] = [
        Object(name: "ClusterIP Service", object: Fixtures.serviceManifest()),
        Object(name: "NodePort Service", object: { var s = Fixtures.serviceManifest(); s.spec?.type = "NodePort"; return s }()),
        Object(name: "LoadBalancer Service", object: { var s = Fixtures.serviceManifest(); s.spec?.type = "LoadBalancer"; return s }()),
        Object(name: "headless Service", object: { var s = Fixtures.serviceManifest(); s.spec?.clusterIP = "None"; return s }()),
        Object(name: "ExternalName Service", object: Service(metadata: ObjectMeta(name: "db", namespace: "default"), spec: {
            var spec = ServiceSpec(type: "ExternalName"); spec.externalName = "db.example.com"; return spec
        }())),
        Object(name: "ClientIP Service", object: { var s = Fixtures.serviceManifest(); s.spec?.sessionAffinity = "ClientIP"; return s }()),
        Object(name: "Pod with probes", object: {
            var pod = Fixtures.podManifest()
            pod.spec?.containers[0].readinessProbe = Fixtures.httpProbe()
            pod.spec?.containers[0].livenessProbe = Fixtures.tcpProbe(port: .int(8080))
            return pod
        }()),
        Object(name: "hostNetwork Pod", object: { var pod = Fixtures.podManifest(); pod.spec?.hostNetwork = true; return pod }()),
        Object(name: "Namespace", object: Namespace(name: "team-a")),
        Object(name: "Endpoints", object: Endpoints(metadata: ObjectMeta(name: "web", namespace: "default"), subsets: [
            EndpointSubset(addresses: [EndpointAddress(ip: "10.244.1.5")], ports: [EndpointPort(port: 80)]),
        ])),
        Object(name: "EndpointSlice", object: EndpointSlice(metadata: ObjectMeta(name: "web-1", namespace: "default"),
                                                            endpoints: [Endpoint(addresses: ["10.244.1.5"])], ports: [EndpointSlicePort(port: 80)])),
        Object(name: "Node", object: Node(metadata: ObjectMeta(name: "node-1"), status: NodeStatus(capacity: ["pods": "110"]))),
    ]

    @Test(arguments: objects)
    func idempotentAndValid(_ entry: Object) {
        var once = entry.object
        Defaults.apply(to: &once)
        var twice = once
        Defaults.apply(to: &twice)
        #expect(Self.same(once, twice))
        #expect(!Self.same(once, entry.object), "defaulting changed nothing: the test object should exercise it")
        #expect(Validation.validate(once).messages == [])
    }

    static func same(_ a: any APIObject, _ b: any APIObject) -> Bool {
        func equal<T: APIObject>(_ a: T) -> Bool { (b as? T).map { $0 == a } ?? false }
        return equal(a)
    }
}
