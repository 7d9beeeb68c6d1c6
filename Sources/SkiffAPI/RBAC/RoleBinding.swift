/// rbac.authorization.k8s.io/v1 RoleBinding: grants a Role, or a ClusterRole's rules, to subjects in its namespace.
public struct RoleBinding: APIObject {
    public static let resource = ResourceInfo(kind: "RoleBinding", plural: "rolebindings", group: RBAC.group, namespaced: true, hasStatus: false)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var subjects: [Subject]?
    public var roleRef: RoleRef

    public init(metadata: ObjectMeta, subjects: [Subject], roleRef: RoleRef) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.subjects = subjects
        self.roleRef = roleRef
    }
}

/// rbac.authorization.k8s.io/v1 ClusterRoleBinding: grants a ClusterRole to subjects in every namespace and for
/// cluster-scoped resources.
public struct ClusterRoleBinding: APIObject {
    public static let resource = ResourceInfo(
        kind: "ClusterRoleBinding", plural: "clusterrolebindings", group: RBAC.group, namespaced: false, hasStatus: false)
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var subjects: [Subject]?
    public var roleRef: RoleRef

    public init(metadata: ObjectMeta, subjects: [Subject], roleRef: RoleRef) {
        self.apiVersion = Self.resource.apiVersion
        self.kind = Self.resource.kind
        self.metadata = metadata
        self.subjects = subjects
        self.roleRef = roleRef
    }
}
