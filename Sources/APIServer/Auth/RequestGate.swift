import Foundation
import SkiffAPI
import SkiffMessaging
import SkiffStore

/// The front door every request passes before it is routed: authentication (the bearer token), RBAC
/// authorization of the verb on the resource, and the node restriction for kubelets. Kubernetes does the same
/// in its handler chain (WithAuthentication, WithAuthorization) and in the NodeRestriction admission plugin.
struct RequestGate: Sendable {
    let authenticator: Authenticator
    let policy: PolicyCache
    let store: any Store

    /// The outcome: the user (nil when unauthenticated) and, when refused, the 401/403 Status to reply with.
    struct Decision: Sendable {
        var user: UserInfo?
        var refusal: Status?
    }

    func check(_ request: Request) async -> Decision {
        guard let user = authenticator.authenticate(request.token) else {
            return Decision(user: nil, refusal: Status(code: 401, reason: "Unauthorized", message: "Unauthorized"))
        }
        // system:masters may do everything (Kubernetes' superuser group): no rule lookup, no body decoding.
        if user.isMaster { return Decision(user: user) }
        do {
            let checks = try await Self.attributes(for: request, user: user, store: store)
            let index = policy.index
            for attributes in checks where !index.allows(attributes) {
                return Decision(user: user, refusal: Self.forbidden(attributes))
            }
            if let node = user.nodeName {
                try await NodeRestriction(node: node, store: store).check(request, checks: checks)
            }
            return Decision(user: user)
        } catch {
            return Decision(user: user, refusal: error)
        }
    }

    static func forbidden(_ attributes: RequestAttributes) -> Status {
        Status(code: 403, reason: "Forbidden", message: attributes.forbiddenMessage,
               details: attributes.path == nil
                   ? StatusDetails(name: attributes.name.isEmpty ? nil : attributes.name, group: attributes.apiGroup, kind: attributes.resource)
                   : nil)
    }

    /// What one request asks to do, as RBAC sees it (one entry per item of an `apply`).
    ///
    /// - `discover` is the non-resource path `/api` (Kubernetes' discovery), verb get.
    /// - `update-status` is `update` on the `status` subresource.
    /// - `list` is `list`; when the client says it will watch (`params.watch=true`) also `watch`.
    /// - `apply` item: `patch` when the object exists, `create` when it does not (Kubernetes' apply is a patch
    ///   that may create).
    /// - A namespaced request without a namespace (a list across namespaces) needs cluster-wide permission.
    static func attributes(for request: Request, user: UserInfo, store: any Store) async throws(Status) -> [RequestAttributes] {
        switch request.verb {
        case .discover:
            return [RequestAttributes(user: user, verb: "get", path: "/api")]
        case .apply:
            var checks: [RequestAttributes] = []
            let defaultNamespace = request.namespace.isEmpty ? "default" : request.namespace
            for object in try ApplyBody.decode(request.body) {
                let resource = type(of: object).resource
                let namespace = resource.namespaced ? (object.metadata.namespace ?? defaultNamespace) : ""
                let exists: Bool
                do { exists = try await store.get(Registry.key(resource, namespace: namespace, name: object.name)) != nil } catch {
                    throw .from(error, resource: resource, name: object.name)
                }
                var check = RequestAttributes(
                    user: user, verb: exists ? "patch" : "create", apiGroup: resource.group, resource: resource.plural,
                    namespace: namespace, name: exists ? object.name : "")
                check.objectName = object.name
                checks.append(check)
            }
            return checks
        default:
            let info = Resources.all.first { $0.resource.plural == request.resource || $0.resource.description == request.resource }?.resource
            let namespace = (info?.namespaced ?? true) ? request.namespace : ""
            var base = RequestAttributes(
                user: user, verb: request.verb.rawValue, apiGroup: info?.group ?? "", resource: info?.plural ?? request.resource,
                namespace: namespace, name: request.verb == .create ? "" : request.name)
            switch request.verb {
            case .updateStatus:
                base.verb = "update"
                base.subresource = "status"
            case .list where request.params["watch"] == "true":
                var watch = base
                watch.verb = "watch"
                return [base, watch]
            default: break
            }
            return [base]
        }
    }
}
