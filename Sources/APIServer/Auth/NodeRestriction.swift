import Foundation
import SkiffAPI
import SkiffJSON
import SkiffMessaging
import SkiffStore

/// Kubernetes' NodeRestriction for users in `system:nodes`: RBAC lets every node write nodes, pod status and node
/// leases; this narrows it to what belongs to the requesting node. A node may create and modify only its own
/// Node, change the status of (and delete) only Pods bound to it (`spec.nodeName`), and touch only its own Lease
/// in `kube-node-lease`. Runs in the request gate because it needs the user, which admission does not see here.
struct NodeRestriction: Sendable {
    let node: String
    let store: any Store

    func check(_ request: Request, checks: [RequestAttributes]) async throws(Status) {
        for attributes in checks where attributes.verb != "get" && attributes.verb != "list" && attributes.verb != "watch" {
            let name = try objectName(request, attributes)
            switch attributes.resource {
            case Node.resource.plural where name != node:
                throw deny(attributes, name, "node \"\(node)\" is not allowed to modify node \"\(name)\"")
            case Lease.resource.plural where attributes.namespace == Lease.nodeLeaseNamespace && name != node:
                throw deny(attributes, name, "can only access node lease with the same name as the requesting node")
            case Pod.resource.plural where attributes.verb == "delete" || attributes.subresource == "status":
                let key = Registry.key(Pod.resource, namespace: attributes.namespace, name: name)
                let stored: StoredObject?
                do { stored = try await store.get(key) } catch { throw .from(error, resource: Pod.resource, name: name) }
                guard let stored, let pod = try? FastJSONDecoder.decode(Pod.self, from: stored.value) else { continue }
                if pod.spec?.nodeName != node {
                    let action = attributes.verb == "delete" ? "delete pods" : "update pod status for pods"
                    throw deny(attributes, name, "node \"\(node)\" can only \(action) with spec.nodeName set to itself")
                }
            case Pod.resource.plural where attributes.verb == "create" || attributes.verb == "patch":
                throw deny(attributes, name, "pod does not have \"kubernetes.io/config.mirror\" annotation, node \"\(node)\" can only create mirror pods")
            default:
                continue
            }
        }
    }

    /// The name a write is about: the request's, or for a create the body's (a create's attributes carry none).
    private func objectName(_ request: Request, _ attributes: RequestAttributes) throws(Status) -> String {
        if let name = attributes.objectName { return name }
        if !attributes.name.isEmpty || request.verb != .create { return attributes.name }
        struct Named: Decodable { struct Meta: Decodable { var name: String? }; var metadata: Meta? }
        return (try? FastJSONDecoder.decode(Named.self, from: request.body))?.metadata?.name ?? ""
    }

    private func deny(_ attributes: RequestAttributes, _ name: String, _ why: String) -> Status {
        let resource = attributes.apiGroup.isEmpty ? attributes.resource : "\(attributes.resource).\(attributes.apiGroup)"
        return Status(code: 403, reason: "Forbidden", message: "\(resource) \"\(name)\" is forbidden: \(why)",
                      details: StatusDetails(name: name, group: attributes.apiGroup, kind: attributes.resource))
    }
}
