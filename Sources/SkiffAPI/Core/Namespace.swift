/// A v1 Namespace. Deleting one deletes everything in it.
public struct Namespace: APIObject {
    public static let resource = ResourceInfo(kind: "Namespace", plural: "namespaces", namespaced: false, shortNames: ["ns"], hasStatus: true)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: NamespaceSpec?
    public var status: NamespaceStatus?

    public init(name: String, labels: [String: String]? = nil) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = ObjectMeta(name: name, labels: labels)
    }

    public mutating func copyStatus(from other: Namespace) { status = other.status }

    /// Namespaces that exist from the start and cannot be deleted.
    public static let systemNamespaces: Set<String> = ["default", "kube-system", "kube-public", "kube-node-lease"]
}

public struct NamespaceSpec: Codable, Sendable, Equatable {
    public var finalizers: [String]?
}

public struct NamespaceStatus: Codable, Sendable, Equatable {
    /// Active or Terminating.
    public var phase: String?

    public init(phase: String? = nil) { self.phase = phase }
}
