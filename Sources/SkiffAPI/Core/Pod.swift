/// A v1 Pod: one or more containers that share an IP. Skiff's kubelet runs them as processes.
public struct Pod: APIObject {
    public static let resource = ResourceInfo(kind: "Pod", plural: "pods", namespaced: true, shortNames: ["po"], hasStatus: true)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: PodSpec?
    public var status: PodStatus?

    public init(metadata: ObjectMeta, spec: PodSpec? = nil, status: PodStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public mutating func copyStatus(from other: Pod) { status = other.status }
}

public struct PodSpec: Codable, Sendable, Equatable {
    public var containers: [Container]
    public var initContainers: [Container]?
    public var nodeName: String?
    public var nodeSelector: [String: String]?
    public var hostname: String?
    public var subdomain: String?
    public var restartPolicy: String?
    public var terminationGracePeriodSeconds: Int64?
    public var activeDeadlineSeconds: Int64?
    public var dnsPolicy: String?
    public var serviceAccountName: String?
    public var hostNetwork: Bool?
    public var setHostnameAsFQDN: Bool?
    public var priority: Int?
    public var schedulerName: String?
    public var tolerations: [JSONValue]?
    public var affinity: JSONValue?
    public var volumes: [JSONValue]?
    public var securityContext: JSONValue?
    public var imagePullSecrets: [JSONValue]?
    public var dnsConfig: JSONValue?

    public init(containers: [Container], nodeName: String? = nil) {
        self.containers = containers
        self.nodeName = nodeName
    }
}

public struct Container: Codable, Sendable, Equatable {
    public var name: String
    public var image: String?
    public var command: [String]?
    public var args: [String]?
    public var workingDir: String?
    public var ports: [ContainerPort]?
    public var env: [EnvVar]?
    public var readinessProbe: Probe?
    public var livenessProbe: Probe?
    public var startupProbe: Probe?
    public var imagePullPolicy: String?
    public var resources: JSONValue?
    public var volumeMounts: [JSONValue]?
    public var securityContext: JSONValue?
    public var envFrom: [JSONValue]?
    public var lifecycle: JSONValue?
    public var terminationMessagePath: String?
    public var terminationMessagePolicy: String?
    public var stdin: Bool?
    public var tty: Bool?

    public init(name: String, image: String? = nil, command: [String]? = nil, ports: [ContainerPort]? = nil) {
        self.name = name
        self.image = image
        self.command = command
        self.ports = ports
    }
}

public struct ContainerPort: Codable, Sendable, Equatable {
    public var name: String?
    public var containerPort: Int
    public var `protocol`: String?
    public var hostPort: Int?
    public var hostIP: String?

    public init(name: String? = nil, containerPort: Int, protocol: String? = nil) {
        self.name = name
        self.containerPort = containerPort
        self.protocol = `protocol`
    }
}

public struct EnvVar: Codable, Sendable, Equatable {
    public var name: String
    public var value: String?
    public var valueFrom: JSONValue?
}

/// A readiness, liveness or startup check. One of exec, httpGet, tcpSocket, grpc.
public struct Probe: Codable, Sendable, Equatable {
    public var exec: ExecAction?
    public var httpGet: HTTPGetAction?
    public var tcpSocket: TCPSocketAction?
    public var grpc: GRPCAction?
    public var initialDelaySeconds: Int?
    public var timeoutSeconds: Int?
    public var periodSeconds: Int?
    public var successThreshold: Int?
    public var failureThreshold: Int?
    public var terminationGracePeriodSeconds: Int64?

    public init(exec: ExecAction? = nil, httpGet: HTTPGetAction? = nil, tcpSocket: TCPSocketAction? = nil,
                periodSeconds: Int? = nil, failureThreshold: Int? = nil) {
        self.exec = exec
        self.httpGet = httpGet
        self.tcpSocket = tcpSocket
        self.periodSeconds = periodSeconds
        self.failureThreshold = failureThreshold
    }
}

public struct ExecAction: Codable, Sendable, Equatable {
    public var command: [String]?

    public init(command: [String]?) { self.command = command }
}

public struct HTTPGetAction: Codable, Sendable, Equatable {
    public var path: String?
    public var port: IntOrString
    public var host: String?
    public var scheme: String?
    public var httpHeaders: [HTTPHeader]?

    public init(path: String? = nil, port: IntOrString, host: String? = nil) {
        self.path = path
        self.port = port
        self.host = host
    }
}

public struct HTTPHeader: Codable, Sendable, Equatable {
    public var name: String
    public var value: String
}

public struct TCPSocketAction: Codable, Sendable, Equatable {
    public var port: IntOrString
    public var host: String?

    public init(port: IntOrString, host: String? = nil) {
        self.port = port
        self.host = host
    }
}

public struct GRPCAction: Codable, Sendable, Equatable {
    public var port: Int
    public var service: String?
}

public struct PodStatus: Codable, Sendable, Equatable {
    /// Pending, Running, Succeeded, Failed or Unknown.
    public var phase: String?
    public var conditions: [PodCondition]?
    public var message: String?
    public var reason: String?
    public var hostIP: String?
    public var hostIPs: [HostIP]?
    public var podIP: String?
    public var podIPs: [PodIP]?
    public var startTime: Timestamp?
    public var containerStatuses: [ContainerStatus]?
    public var qosClass: String?

    public init(phase: String? = nil, conditions: [PodCondition]? = nil, podIP: String? = nil) {
        self.phase = phase
        self.conditions = conditions
        self.podIP = podIP
    }
}

public struct PodIP: Codable, Sendable, Equatable {
    public var ip: String

    public init(ip: String) { self.ip = ip }
}

public struct HostIP: Codable, Sendable, Equatable {
    public var ip: String

    public init(ip: String) { self.ip = ip }
}

public struct PodCondition: Codable, Sendable, Equatable {
    /// Ready, ContainersReady, Initialized, PodScheduled, ...
    public var type: String
    /// "True", "False" or "Unknown", as strings (Kubernetes' ConditionStatus).
    public var status: String
    public var lastProbeTime: Timestamp?
    public var lastTransitionTime: Timestamp?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastTransitionTime: Timestamp? = nil, reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

public struct ContainerStatus: Codable, Sendable, Equatable {
    public var name: String
    public var ready: Bool
    public var restartCount: Int
    public var image: String?
    public var imageID: String?
    public var containerID: String?
    public var started: Bool?
    public var state: JSONValue?
    public var lastState: JSONValue?

    public init(name: String, ready: Bool, restartCount: Int = 0, image: String? = nil, started: Bool? = nil,
                state: JSONValue? = nil, lastState: JSONValue? = nil) {
        self.name = name
        self.ready = ready
        self.restartCount = restartCount
        self.image = image
        self.started = started
        self.state = state
        self.lastState = lastState
    }
}

extension Pod {
    /// True when the Pod reports condition Ready=True, the test Kubernetes uses for endpoints.
    public var isReady: Bool {
        status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
    }

    public var podIP: String? {
        guard let ip = status?.podIP, !ip.isEmpty else { return nil }
        return ip
    }
}
