@testable import SkiffAPI
import Testing

/// Each row edits the standard manifest (selector app=web, port http/80), defaults it, and validates it.
@Suite struct ServiceValidationTests {
    static let valid: [Row<ServiceEdit>] = [
        Row("plain ClusterIP", { _ in }),
        Row("NodePort", { $0.spec?.type = "NodePort" }),
        Row("NodePort with a nodePort", { $0.spec?.type = "NodePort"; $0.spec?.ports?[0].nodePort = 30080 }),
        Row("LoadBalancer", { $0.spec?.type = "LoadBalancer"; $0.spec?.loadBalancerSourceRanges = ["10.0.0.0/8", " 192.168.0.0/16 "] }),
        Row("LoadBalancer Local with a health check port", {
            $0.spec?.type = "LoadBalancer"; $0.spec?.externalTrafficPolicy = "Local"; $0.spec?.healthCheckNodePort = 30999
        }),
        Row("headless without ports", { $0.spec?.clusterIP = "None"; $0.spec?.ports = nil }),
        Row("headless without selector", { $0.spec?.clusterIP = "None"; $0.spec?.selector = nil }),
        Row("ExternalName with a trailing dot", {
            $0.spec = ServiceSpec(type: "ExternalName"); $0.spec?.externalName = "db.example.com."
        }),
        Row("no selector", { $0.spec?.selector = nil }),
        Row("requested clusterIP", { $0.spec?.clusterIP = "10.96.0.20" }),
        Row("IPv6 clusterIP", { $0.spec?.clusterIP = "fd00::20" }),
        Row("dual-stack clusterIPs", { $0.spec?.clusterIP = "10.96.0.20"; $0.spec?.clusterIPs = ["10.96.0.20", "fd00::20"] }),
        Row("several named ports", {
            $0.spec?.ports = [ServicePort(name: "http", port: 80), ServicePort(name: "https", port: 443, targetPort: .string("https"))]
        }),
        Row("same port, two protocols", {
            $0.spec?.ports = [ServicePort(name: "dns", protocol: "UDP", port: 53), ServicePort(name: "dns-tcp", protocol: "TCP", port: 53)]
        }),
        Row("service port names may be long DNS labels", { $0.spec?.ports?[0].name = "a-rather-long-port-name" }),
        Row("ClientIP affinity", { $0.spec?.sessionAffinity = "ClientIP" }),
        Row("external IPs", { $0.spec?.externalIPs = ["192.0.2.10"] }),
        Row("publishNotReadyAddresses", { $0.spec?.publishNotReadyAddresses = true }),
        Row("appProtocol", { $0.spec?.ports?[0].appProtocol = "kubernetes.io/h2c" }),
        Row("internalTrafficPolicy Local", { $0.spec?.internalTrafficPolicy = "Local" }),
        Row("trafficDistribution", { $0.spec?.trafficDistribution = "PreferClose" }),
    ]

    @Test(arguments: valid)
    func validServices(_ row: Row<ServiceEdit>) {
        #expect(Fixtures.service(row.input).validate().messages == [])
    }

    static let invalid: [Row<ServiceEdit>] = [
        Row("unknown type", { $0.spec?.type = "Foo" },
            ["spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""]),
        Row("port out of range", { $0.spec?.ports?[0].port = 70000 },
            ["spec.ports[0].port: Invalid value: 70000: " + Messages.portRange, "spec.ports[0].targetPort: Invalid value: 70000: " + Messages.portRange]),
        Row("port zero", { $0.spec?.ports?[0].port = 0; $0.spec?.ports?[0].targetPort = .int(8080) },
            ["spec.ports[0].port: Invalid value: 0: " + Messages.portRange]),
        Row("no ports", { $0.spec?.ports = [] }, ["spec.ports: Required value"]),
        Row("two ports, no names", { $0.spec?.ports = [ServicePort(port: 80), ServicePort(port: 81)] },
            ["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]),
        Row("duplicate port names", { $0.spec?.ports = [ServicePort(name: "http", port: 80), ServicePort(name: "http", port: 81)] },
            ["spec.ports[1].name: Duplicate value: \"http\""]),
        Row("port name not a DNS label", { $0.spec?.ports?[0].name = "HTTP" },
            ["spec.ports[0].name: Invalid value: \"HTTP\": " + Messages.dns1123Label]),
        Row("unknown protocol", { $0.spec?.ports?[0].protocol = "HTTP" },
            ["spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""]),
        Row("same port and protocol twice", { $0.spec?.ports = [ServicePort(name: "a", port: 80), ServicePort(name: "b", port: 80)] },
            ["spec.ports[1]: Duplicate value: 80/TCP"]),
        Row("targetPort out of range", { $0.spec?.ports?[0].targetPort = .int(70000) },
            ["spec.ports[0].targetPort: Invalid value: 70000: " + Messages.portRange]),
        Row("targetPort name too long", { $0.spec?.ports?[0].targetPort = .string("web-server-admin") },
            ["spec.ports[0].targetPort: Invalid value: \"web-server-admin\": must be no more than 15 characters"]),
        Row("targetPort name with double hyphen", { $0.spec?.ports?[0].targetPort = .string("web--api") },
            ["spec.ports[0].targetPort: Invalid value: \"web--api\": must not contain consecutive hyphens"]),
        Row("ExternalName without a name", { $0.spec = ServiceSpec(type: "ExternalName") }, ["spec.externalName: Required value"]),
        Row("ExternalName not a DNS name", { $0.spec = ServiceSpec(type: "ExternalName"); $0.spec?.externalName = "db_1.example.com" },
            ["spec.externalName: Invalid value: \"db_1.example.com\": " + Messages.dns1123Subdomain]),
        Row("ExternalName with a clusterIP", { $0.spec = ServiceSpec(type: "ExternalName", clusterIP: "10.96.0.20"); $0.spec?.externalName = "db.example.com" },
            ["spec.clusterIPs: Forbidden: may not be set for ExternalName services"]),
        Row("ExternalName with ipFamilies", { $0.spec = ServiceSpec(type: "ExternalName"); $0.spec?.externalName = "db.example.com"; $0.spec?.ipFamilies = ["IPv4"] },
            ["spec.ipFamilies: Forbidden: may not be set for ExternalName services"]),
        Row("clusterIP not an IP", { $0.spec?.clusterIP = "not-an-ip" }, ["spec.clusterIPs[0]: Invalid value: \"not-an-ip\": " + Messages.ip]),
        Row("headless NodePort", { $0.spec?.clusterIP = "None"; $0.spec?.type = "NodePort" },
            ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]),
        Row("headless LoadBalancer", { $0.spec?.clusterIP = "None"; $0.spec?.type = "LoadBalancer" },
            ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"]),
        Row("clusterIPs disagree with clusterIP", { $0.spec?.clusterIP = "10.96.0.20"; $0.spec?.clusterIPs = ["10.96.0.21"] },
            ["spec.clusterIPs: Invalid value: []string{\"10.96.0.21\"}: first value must match `clusterIP`"]),
        Row("clusterIPs without clusterIP", { $0.spec?.clusterIPs = ["10.96.0.21"] },
            ["spec.clusterIPs: Invalid value: []string{\"10.96.0.21\"}: must be empty when `clusterIP` is not specified"]),
        Row("two IPv4 clusterIPs", { $0.spec?.clusterIP = "10.96.0.20"; $0.spec?.clusterIPs = ["10.96.0.20", "10.96.0.21"] },
            ["spec.clusterIPs: Invalid value: []string{\"10.96.0.20\", \"10.96.0.21\"}: may specify no more than one IP for each IP family"]),
        Row("None with a second IP", { $0.spec?.clusterIP = "None"; $0.spec?.clusterIPs = ["None", "10.96.0.21"] },
            ["spec.clusterIPs: Invalid value: []string{\"None\", \"10.96.0.21\"}: 'None' must be the first and only value"]),
        Row("family disagrees with the IP", { $0.spec?.clusterIP = "fd00::20"; $0.spec?.ipFamilies = ["IPv4"] },
            ["spec.clusterIPs[0]: Invalid value: \"fd00::20\": expected an IPv4 value as indicated by `ipFamilies[0]`"]),
        Row("unknown family", { $0.spec?.ipFamilies = ["IPv5"] },
            ["spec.ipFamilies[0]: Unsupported value: \"IPv5\": supported values: \"IPv4\", \"IPv6\""]),
        Row("unknown family policy", { $0.spec?.ipFamilyPolicy = "Dual" },
            ["spec.ipFamilyPolicy: Unsupported value: \"Dual\": supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\""]),
        Row("unknown session affinity", { $0.spec?.sessionAffinity = "Sticky" },
            ["spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\""]),
        Row("affinity timeout zero", { $0.spec?.sessionAffinity = "ClientIP"; $0.spec?.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 0)) },
            ["spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400"]),
        Row("affinity timeout over a day", { $0.spec?.sessionAffinity = "ClientIP"; $0.spec?.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 86401)) },
            ["spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400"]),
        Row("selector key invalid", { $0.spec?.selector = ["-app": "web"] }, ["spec.selector: Invalid value: \"-app\": " + Messages.qualifiedNamePart]),
        Row("selector value invalid", { $0.spec?.selector = ["app": "web app"] }, ["spec.selector: Invalid value: \"web app\": " + Messages.labelValue]),
        Row("nodePort on ClusterIP", { $0.spec?.ports?[0].nodePort = 30080 },
            ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]),
        Row("nodePort out of range", { $0.spec?.type = "NodePort"; $0.spec?.ports?[0].nodePort = 70000 },
            ["spec.ports[0].nodePort: Invalid value: 70000: must be between 0 and 65535, inclusive"]),
        Row("duplicate nodePorts", {
            $0.spec?.type = "NodePort"
            $0.spec?.ports = [ServicePort(name: "a", port: 80, nodePort: 30080), ServicePort(name: "b", port: 81, nodePort: 30080)]
        }, ["spec.ports[1].nodePort: Duplicate value: 30080"]),
        Row("externalTrafficPolicy on ClusterIP", { $0.spec?.externalTrafficPolicy = "Local" },
            ["spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"]),
        Row("unknown externalTrafficPolicy", { $0.spec?.type = "NodePort"; $0.spec?.externalTrafficPolicy = "Global" },
            ["spec.externalTrafficPolicy: Unsupported value: \"Global\": supported values: \"Cluster\", \"Local\""]),
        Row("unknown internalTrafficPolicy", { $0.spec?.internalTrafficPolicy = "Node" },
            ["spec.internalTrafficPolicy: Unsupported value: \"Node\": supported values: \"Cluster\", \"Local\""]),
        Row("healthCheckNodePort without Local", { $0.spec?.type = "LoadBalancer"; $0.spec?.healthCheckNodePort = 30999 },
            ["spec.healthCheckNodePort: Invalid value: 30999: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"]),
        Row("source ranges on ClusterIP", { $0.spec?.loadBalancerSourceRanges = ["10.0.0.0/8"] },
            ["spec.loadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"]),
        Row("source range not a CIDR", { $0.spec?.type = "LoadBalancer"; $0.spec?.loadBalancerSourceRanges = ["10.0.0.0"] },
            ["spec.loadBalancerSourceRanges[0]: Invalid value: \"10.0.0.0\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]),
        Row("external IP unspecified", { $0.spec?.externalIPs = ["0.0.0.0"] },
            ["spec.externalIPs[0]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)"]),
        Row("external IP not an IP", { $0.spec?.externalIPs = ["lb.example.com"] },
            ["spec.externalIPs[0]: Invalid value: \"lb.example.com\": " + Messages.ip]),
        Row("unknown trafficDistribution", { $0.spec?.trafficDistribution = "Anywhere" },
            ["spec.trafficDistribution: Unsupported value: \"Anywhere\": supported values: \"PreferClose\", \"PreferSameNode\", \"PreferSameZone\""]),
        Row("appProtocol invalid", { $0.spec?.ports?[0].appProtocol = "h2c/x/y" },
            ["spec.ports[0].appProtocol: Invalid value: \"h2c/x/y\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]),
    ]

    @Test(arguments: invalid)
    func invalidServices(_ row: Row<ServiceEdit>) {
        #expect(Fixtures.service(row.input).validate().messages == row.errors)
    }

    @Test func undefaultedServiceMissesWhatDefaultingFills() {
        let service = Service(metadata: ObjectMeta(name: "web", namespace: "default"), spec: ServiceSpec(ports: [ServicePort(port: 80)]))
        #expect(service.validate().messages == [
            "spec.ports[0].protocol: Required value",
            "spec.ports[0].targetPort: Invalid value: 0: " + Messages.portRange,
            "spec.sessionAffinity: Required value",
            "spec.type: Required value",
        ])
    }

    @Test func clientIPWithoutConfigIsRequired() {
        var service = Fixtures.service()
        service.spec?.sessionAffinity = "ClientIP"
        service.spec?.sessionAffinityConfig = nil
        #expect(service.validate().messages == ["spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP"])
    }

    @Test func affinityConfigForbiddenWithNone() {
        var service = Fixtures.service()
        service.spec?.sessionAffinityConfig = SessionAffinityConfig(clientIP: ClientIPConfig(timeoutSeconds: 60))
        #expect(service.validate().messages == ["spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"])
    }

    @Test func loadBalancerStatusIsValidated() {
        var old = Fixtures.storedService { $0.spec?.type = "LoadBalancer" }
        old.status = ServiceStatus()
        var new = old
        new.status?.loadBalancer = LoadBalancerStatus(ingress: [LoadBalancerIngress(ip: "300.1.1.1"), LoadBalancerIngress(hostname: "192.0.2.1")])
        #expect(new.validateUpdate(from: old).messages == [
            "status.loadBalancer.ingress[0].ip: Invalid value: \"300.1.1.1\": " + Messages.ip,
            "status.loadBalancer.ingress[1].hostname: Invalid value: \"192.0.2.1\": must be a DNS name, not an IP address",
        ])
    }
}
