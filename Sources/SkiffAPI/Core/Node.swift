/// A v1 Node, registered by its kubelet.
public struct Node: APIObject {
    public static let resource = ResourceInfo(kind: "Node", plural: "nodes", namespaced: false, shortNames: ["no"], hasStatus: true)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: NodeSpec?
    public var status: NodeStatus?

    public init(metadata: ObjectMeta, spec: NodeSpec? = nil, status: NodeStatus? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    public mutating func copyStatus(from other: Node) { status = other.status }
}

public struct NodeSpec: Codable, Sendable, Equatable {
    public var podCIDR: String?
    public var podCIDRs: [String]?
    public var providerID: String?
    public var unschedulable: Bool?
    public var taints: [JSONValue]?

    public init(podCIDR: String? = nil, podCIDRs: [String]? = nil) {
        self.podCIDR = podCIDR
        self.podCIDRs = podCIDRs
    }
}

public struct NodeStatus: Codable, Sendable, Equatable {
    public var addresses: [NodeAddress]?
    public var conditions: [NodeCondition]?
    public var capacity: [String: String]?
    public var allocatable: [String: String]?
    public var nodeInfo: JSONValue?
    public var daemonEndpoints: JSONValue?

    public init(addresses: [NodeAddress]? = nil, conditions: [NodeCondition]? = nil, capacity: [String: String]? = nil) {
        self.addresses = addresses
        self.conditions = conditions
        self.capacity = capacity
    }
}

public struct NodeAddress: Codable, Sendable, Equatable {
    /// InternalIP, ExternalIP or Hostname.
    public var type: String
    public var address: String

    public init(type: String, address: String) {
        self.type = type
        self.address = address
    }
}

public struct NodeCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var lastHeartbeatTime: Timestamp?
    public var lastTransitionTime: Timestamp?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastHeartbeatTime: Timestamp? = nil, lastTransitionTime: Timestamp? = nil,
                reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastHeartbeatTime = lastHeartbeatTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

extension Node {
    public var isReady: Bool {
        status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } ?? false
    }
}
