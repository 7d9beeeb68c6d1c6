import SkiffAPI

/// The RBAC objects in force, indexed for a request-time lookup: the rules each subject (user or group) holds
/// cluster-wide, and in each namespace. Built once per policy change (rare), read on every request (often).
public struct PolicyIndex: Sendable {
    /// Rules granted everywhere by ClusterRoleBindings, by subject key.
    private var clusterRules: [String: [PolicyRule]] = [:]
    /// Rules granted by RoleBindings, by namespace and subject key.
    private var namespaceRules: [String: [String: [PolicyRule]]] = [:]

    public init() {}

    /// Resolves every binding's role reference; a binding to a missing role grants nothing (as in Kubernetes).
    public init(roles: [Role], clusterRoles: [ClusterRole], roleBindings: [RoleBinding], clusterRoleBindings: [ClusterRoleBinding]) {
        var roleRules: [String: [String: [PolicyRule]]] = [:]
        for role in roles { roleRules[role.namespace, default: [:]][role.name] = role.rules ?? [] }
        var clusterRoleRules: [String: [PolicyRule]] = [:]
        for role in clusterRoles { clusterRoleRules[role.name] = role.rules ?? [] }

        for binding in clusterRoleBindings where binding.roleRef.kind == "ClusterRole" {
            guard let rules = clusterRoleRules[binding.roleRef.name] else { continue }
            for subject in binding.subjects ?? [] {
                clusterRules[Self.key(subject, bindingNamespace: ""), default: []] += rules
            }
        }
        for binding in roleBindings {
            let namespace = binding.namespace
            let rules = binding.roleRef.kind == "ClusterRole" ? clusterRoleRules[binding.roleRef.name] : roleRules[namespace]?[binding.roleRef.name]
            guard let rules else { continue }
            for subject in binding.subjects ?? [] {
                namespaceRules[namespace, default: [:]][Self.key(subject, bindingNamespace: namespace), default: []] += rules
            }
        }
    }

    /// Whether some rule held by the user or one of its groups allows the request. RoleBinding rules count only
    /// for requests in their namespace; a request with no namespace (cluster-scoped, or across all namespaces)
    /// needs a ClusterRoleBinding.
    public func allows(_ request: RequestAttributes) -> Bool {
        let keys = [Self.userKey(request.user.name)] + request.user.groups.map(Self.groupKey)
        for key in keys {
            if let rules = clusterRules[key], rules.contains(where: { $0.allows(request) }) { return true }
        }
        guard request.path == nil, !request.namespace.isEmpty, let inNamespace = namespaceRules[request.namespace] else { return false }
        for key in keys {
            if let rules = inNamespace[key], rules.contains(where: { $0.allows(request) }) { return true }
        }
        return false
    }

    static func userKey(_ name: String) -> String { "u:" + name }
    static func groupKey(_ name: String) -> String { "g:" + name }

    /// A ServiceAccount is the user `system:serviceaccount:NS:NAME` (its namespace defaults to the binding's).
    static func key(_ subject: Subject, bindingNamespace: String) -> String {
        switch subject.kind {
        case Subject.group: return groupKey(subject.name)
        case Subject.serviceAccount:
            let namespace = (subject.namespace ?? "").isEmpty ? bindingNamespace : subject.namespace!
            return userKey("system:serviceaccount:\(namespace):\(subject.name)")
        default: return userKey(subject.name)
        }
    }
}
