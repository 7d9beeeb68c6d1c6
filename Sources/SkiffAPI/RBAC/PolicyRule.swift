/// The parts RBAC objects share (rbac.authorization.k8s.io/v1): rules, subjects and role references.

/// What a rule allows: verbs on resources (of API groups, optionally only the named objects), or verbs on
/// non-resource paths (cluster roles only). `*` matches anything in its field, as in Kubernetes.
public struct PolicyRule: Codable, Sendable, Equatable, Hashable {
    public var verbs: [String]
    public var apiGroups: [String]?
    public var resources: [String]?
    public var resourceNames: [String]?
    public var nonResourceURLs: [String]?

    public init(verbs: [String], apiGroups: [String]? = nil, resources: [String]? = nil, resourceNames: [String]? = nil,
                nonResourceURLs: [String]? = nil) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
    }
}

/// Who a binding grants its role to: a `User`, a `Group` or a `ServiceAccount`.
public struct Subject: Codable, Sendable, Equatable, Hashable {
    public static let user = "User", group = "Group", serviceAccount = "ServiceAccount"

    public var kind: String
    public var apiGroup: String?
    public var name: String
    public var namespace: String?

    public init(kind: String, name: String, apiGroup: String? = nil, namespace: String? = nil) {
        self.kind = kind
        self.name = name
        self.apiGroup = apiGroup ?? (kind == Self.serviceAccount ? nil : RBAC.group)
        self.namespace = namespace
    }

    /// Kubernetes' SetDefaults_Subject: a User or Group without `apiGroup` is in rbac.authorization.k8s.io.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(String.self, forKey: .kind)
        name = try container.decode(String.self, forKey: .name)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        let group = try container.decodeIfPresent(String.self, forKey: .apiGroup)
        apiGroup = group ?? (kind == Self.user || kind == Self.group ? RBAC.group : nil)
    }
}

/// The role a binding grants: a `Role` in the binding's namespace or a `ClusterRole`.
public struct RoleRef: Codable, Sendable, Equatable, Hashable {
    public var apiGroup: String
    public var kind: String
    public var name: String

    public init(kind: String, name: String, apiGroup: String = RBAC.group) {
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
    }
}

/// Names RBAC uses throughout.
public enum RBAC {
    public static let group = "rbac.authorization.k8s.io"
    /// Kubernetes' bootstrap annotation: a policy object whose value is "false" is not overwritten at start.
    public static let autoupdateAnnotation = "rbac.authorization.kubernetes.io/autoupdate"
    /// The verbs a resource rule may name (`*` too).
    public static let verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]
}
