import Foundation
import Logging
import SkiffAPI
import SkiffMessaging

/// Authorizes watch subscriptions as `RequestGate` authorizes requests: the token of an authorization
/// subscription (`WatchSubscription`) is authenticated, and its user must be allowed to `list` and `watch` the
/// topic's resource in the topic's namespace (all namespaces for a kind-wide topic), exactly what the informer's
/// LIST with `watch=true` needs. Every decision goes to the audit log (verb `watch`); a refusal is also logged.
///
/// Runs on the watch publisher's thread: it reads only the in-memory token table and policy index.
struct WatchGate: Sendable {
    let authenticator: Authenticator
    let policy: PolicyCache
    let audit: AuditLog?
    let logger: Logger

    func authorize(token: String, topic: WatchTopic) -> Bool {
        let (user, refusal) = decide(token: token, topic: topic)
        if let refusal { logger.warning("watch \(topic) refused: \(refusal.message)") }
        audit?.record(AuditEvent(
            time: Date(), user: user?.name ?? "", groups: user?.groups ?? [], verb: "watch", resource: topic.resource,
            namespace: topic.namespace ?? "", name: "", decision: refusal == nil ? "allow" : "deny", code: refusal?.code ?? 200))
        return refusal == nil
    }

    /// The user (nil when unauthenticated) and, when refused, why: 401, 403 or 404 (no such resource).
    func decide(token: String, topic: WatchTopic) -> (UserInfo?, (code: Int, message: String)?) {
        guard let user = authenticator.authenticate(token.isEmpty ? nil : token) else {
            return (nil, (401, "Unauthorized (no valid token)"))
        }
        guard let resource = Resources.all.first(where: { $0.resource.plural == topic.resource })?.resource else {
            return (user, (404, "the server could not find the requested resource \(String(reflecting: topic.resource))"))
        }
        if user.isMaster { return (user, nil) }
        let index = policy.index
        for verb in ["list", "watch"] {
            let attributes = RequestAttributes(
                user: user, verb: verb, apiGroup: resource.group, resource: resource.plural,
                namespace: resource.namespaced ? topic.namespace ?? "" : "")
            if !index.allows(attributes) { return (user, (403, attributes.forbiddenMessage)) }
        }
        return (user, nil)
    }
}
