/// What authorization decides on, as Kubernetes' authorizer.Attributes: who, which verb, on what.
/// A resource request names an API group, a resource (and subresource), a namespace ("" = cluster-wide or all
/// namespaces) and a name ("" for create and list); a non-resource request names a path (`discover` is `/api`).
public struct RequestAttributes: Sendable, Equatable {
    public var user: UserInfo
    public var verb: String
    public var apiGroup: String = ""
    public var resource: String = ""
    public var subresource: String = ""
    public var namespace: String = ""
    public var name: String = ""
    /// Set for non-resource requests (then the resource fields are empty).
    public var path: String?
    /// The name of the object an `apply` item writes, also when it creates (and `name` is "" for RBAC).
    var objectName: String?

    public init(user: UserInfo, verb: String, apiGroup: String = "", resource: String = "", subresource: String = "",
                namespace: String = "", name: String = "") {
        self.user = user
        self.verb = verb
        self.apiGroup = apiGroup
        self.resource = resource
        self.subresource = subresource
        self.namespace = namespace
        self.name = name
    }

    public init(user: UserInfo, verb: String, path: String) {
        self.user = user
        self.verb = verb
        self.path = path
    }

    /// `pods/status`, as RBAC rules and messages spell a subresource.
    public var qualifiedResource: String { subresource.isEmpty ? resource : "\(resource)/\(subresource)" }

    /// Kubernetes' forbidden message, word for word (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/responsewriters
    /// `forbiddenMessage`), e.g. `services is forbidden: User "x" cannot create resource "services" in API group ""
    /// in the namespace "default"`.
    public var forbiddenMessage: String {
        let who = "User \"\(user.name)\""
        if let path { return "forbidden: \(who) cannot \(verb) path \"\(path)\"" }
        let subject = name.isEmpty ? resource : "\(resource) \"\(name)\""
        let prefix = apiGroup.isEmpty ? subject : (name.isEmpty ? "\(resource).\(apiGroup)" : "\(resource).\(apiGroup) \"\(name)\"")
        let scope = namespace.isEmpty ? "at the cluster scope" : "in the namespace \"\(namespace)\""
        return "\(prefix) is forbidden: \(who) cannot \(verb) resource \"\(qualifiedResource)\" in API group \"\(apiGroup)\" \(scope)"
    }
}
