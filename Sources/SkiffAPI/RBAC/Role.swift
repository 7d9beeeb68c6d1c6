/// rbac.authorization.k8s.io/v1 Role: rules that apply in the Role's namespace, when bound by a RoleBinding there.
public struct Role: APIObject {
    public static let resource = ResourceInfo(kind: "Role", plural: "roles", group: RBAC.group, namespaced: true, hasStatus: false)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var rules: [PolicyRule]?

    public init(metadata: ObjectMeta, rules: [PolicyRule]) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.rules = rules
    }
}

/// rbac.authorization.k8s.io/v1 ClusterRole: rules bound cluster-wide by a ClusterRoleBinding, or in one namespace
/// by a RoleBinding that references it. Only cluster roles may name non-resource paths.
public struct ClusterRole: APIObject {
    public static let resource = ResourceInfo(kind: "ClusterRole", plural: "clusterroles", group: RBAC.group, namespaced: false, hasStatus: false)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var rules: [PolicyRule]?

    public init(metadata: ObjectMeta, rules: [PolicyRule]) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.rules = rules
    }
}
