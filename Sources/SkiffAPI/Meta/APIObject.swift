/// What the API knows about one kind of object: its names on the wire and in the CLI, and its scope.
public struct ResourceInfo: Sendable, Hashable, CustomStringConvertible {
    /// `Service`
    public let kind: String
    /// `services`: the name in requests, the store and RBAC rules.
    public let plural: String
    /// `service`
    public let singular: String
    /// "" for the core group, `discovery.k8s.io` for EndpointSlice.
    public let group: String
    public let version: String
    public let namespaced: Bool
    /// `svc`, as kubectl's short names.
    public let shortNames: [String]
    /// Whether the object has a status that only the `status` subresource may change.
    public let hasStatus: Bool

    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    public var description: String { group.isEmpty ? plural : "\(plural).\(group)" }

    public init(kind: String, plural: String, group: String = "", version: String = "v1", namespaced: Bool, shortNames: [String] = [], hasStatus: Bool) {
        self.kind = kind
        self.plural = plural
        self.singular = kind.lowercased()
        self.group = group
        self.version = version
        self.namespaced = namespaced
        self.shortNames = shortNames
        self.hasStatus = hasStatus
    }
}

/// An object the API serves. Every kind is a value type with Kubernetes' JSON shape.
public protocol APIObject: Codable, Sendable, Equatable {
    static var resource: ResourceInfo { get }
    var apiVersion: String? { get set }
    var kind: String? { get set }
    var metadata: ObjectMeta { get set }

    /// Copies the status from `other`, leaving everything else as it is. An update keeps the old status,
    /// an update-status keeps the old everything-else (Kubernetes' status subresource rules).
    mutating func copyStatus(from other: Self)
}

extension APIObject {
    public mutating func copyStatus(from other: Self) {}

    /// Sets apiVersion and kind to this type's, as the server does on every object it returns.
    public mutating func setTypeMeta() {
        apiVersion = Self.resource.apiVersion
        kind = Self.resource.kind
    }

    public var name: String { metadata.name ?? "" }
    public var namespace: String { metadata.namespace ?? "" }
    public var labels: [String: String] { metadata.labels ?? [:] }
}

/// Every kind Skiff serves, for lookups by kind, plural, singular or short name.
public enum Resources {
    public static let all: [any APIObject.Type] = [
        Namespace.self, Service.self, Pod.self, Endpoints.self, EndpointSlice.self, Node.self, Lease.self,
        Role.self, ClusterRole.self, RoleBinding.self, ClusterRoleBinding.self,
    ]

    /// The type for a manifest's `apiVersion` and `kind`.
    public static func type(apiVersion: String, kind: String) -> (any APIObject.Type)? {
        all.first { $0.resource.kind == kind && $0.resource.apiVersion == apiVersion }
    }

    /// The type for a name as a user types it: `svc`, `service`, `services`, `Service`, `endpointslices.discovery.k8s.io`.
    public static func type(named name: String) -> (any APIObject.Type)? {
        let lowered = name.lowercased()
        return all.first {
            let info = $0.resource
            return lowered == info.plural || lowered == info.singular || info.shortNames.contains(lowered)
                || lowered == info.description || lowered == "\(info.singular).\(info.group)"
        }
    }

    /// `Namespace, Service, Pod, Endpoints, EndpointSlice (discovery.k8s.io/v1), Node`, for error messages.
    public static var servedKinds: String {
        all.map { $0.resource.group.isEmpty ? $0.resource.kind : "\($0.resource.kind) (\($0.resource.apiVersion))" }
            .joined(separator: ", ")
    }
}
