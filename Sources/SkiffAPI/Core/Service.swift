/// A v1 Service: a stable name and virtual IP in front of the Pods its selector matches.
public struct Service: APIObject {
    public static let resource = ResourceInfo(kind: "Service", plural: "services", namespaced: true, shortNames: ["svc"], hasStatus: true)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: ServiceSpec?
    public var status: ServiceStatus?

    public init(metadata: ObjectMeta, spec: ServiceSpec? = ServiceSpec()) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
    }

    public mutating func copyStatus(from other: Service) { status = other.status }
}

public struct ServiceSpec: Codable, Sendable, Equatable {
    /// ClusterIP (default), NodePort, LoadBalancer or ExternalName.
    public var type: String?
    public var selector: [String: String]?
    public var ports: [ServicePort]?
    /// An IP from the service CIDR, "None" for a headless Service, or empty to have one allocated.
    public var clusterIP: String?
    public var clusterIPs: [String]?
    public var externalName: String?
    public var externalIPs: [String]?
    /// None (default) or ClientIP.
    public var sessionAffinity: String?
    public var sessionAffinityConfig: SessionAffinityConfig?
    public var publishNotReadyAddresses: Bool?
    public var ipFamilies: [String]?
    public var ipFamilyPolicy: String?
    public var externalTrafficPolicy: String?
    public var internalTrafficPolicy: String?
    public var loadBalancerIP: String?
    public var loadBalancerSourceRanges: [String]?
    public var allocateLoadBalancerNodePorts: Bool?
    public var healthCheckNodePort: Int?
    public var trafficDistribution: String?

    public init(type: String? = nil, selector: [String: String]? = nil, ports: [ServicePort]? = nil, clusterIP: String? = nil) {
        self.type = type
        self.selector = selector
        self.ports = ports
        self.clusterIP = clusterIP
    }
}

public struct ServicePort: Codable, Sendable, Equatable {
    public var name: String?
    /// TCP (default), UDP or SCTP.
    public var `protocol`: String?
    public var appProtocol: String?
    public var port: Int
    /// A number or the name of a container port; defaults to `port`.
    public var targetPort: IntOrString?
    public var nodePort: Int?

    public init(name: String? = nil, protocol: String? = nil, port: Int, targetPort: IntOrString? = nil, nodePort: Int? = nil) {
        self.name = name
        self.protocol = `protocol`
        self.port = port
        self.targetPort = targetPort
        self.nodePort = nodePort
    }
}

public struct SessionAffinityConfig: Codable, Sendable, Equatable {
    public var clientIP: ClientIPConfig?
}

public struct ClientIPConfig: Codable, Sendable, Equatable {
    /// Affinity lifetime; Kubernetes' default is 10800 (3 hours).
    public var timeoutSeconds: Int?
}

public struct ServiceStatus: Codable, Sendable, Equatable {
    public var loadBalancer: LoadBalancerStatus?
    public var conditions: [Condition]?
}

public struct LoadBalancerStatus: Codable, Sendable, Equatable {
    public var ingress: [LoadBalancerIngress]?
}

public struct LoadBalancerIngress: Codable, Sendable, Equatable {
    public var ip: String?
    public var hostname: String?
}

/// metav1.Condition, the generic condition shape.
public struct Condition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var observedGeneration: Int64?
    public var lastTransitionTime: Timestamp?
    public var reason: String?
    public var message: String?
}

extension Service {
    public enum ServiceType {
        public static let clusterIP = "ClusterIP"
        public static let nodePort = "NodePort"
        public static let loadBalancer = "LoadBalancer"
        public static let externalName = "ExternalName"
        public static let all = [clusterIP, nodePort, loadBalancer, externalName]
    }

    /// The clusterIP value that makes a Service headless.
    public static let headlessClusterIP = "None"

    public var serviceType: String { spec?.type ?? ServiceType.clusterIP }
    public var isHeadless: Bool { spec?.clusterIP == Self.headlessClusterIP }
}
