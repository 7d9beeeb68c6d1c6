import SkiffAPI
import SkiffStore

/// Refuses new objects in a namespace that does not exist or is being deleted, as Kubernetes' NamespaceLifecycle.
struct NamespaceLifecycle: AdmissionPlugin {
    let name = "NamespaceLifecycle"
    let store: any Store

    func admit(_ request: inout AdmissionRequest) async throws(Status) {
        guard request.resource.namespaced, request.operation == .create else { return }
        if request.namespacesInBatch.contains(request.namespace) { return }
        let key = StoreKey(resource: Namespace.resource.plural, namespace: "", name: request.namespace)
        let stored: StoredObject?
        do { stored = try await store.get(key) } catch { throw .from(error, resource: Namespace.resource, name: request.namespace) }
        guard let stored else {
            throw Status(code: 404, reason: "NotFound", message: "namespaces \"\(request.namespace)\" not found",
                         details: StatusDetails(name: request.namespace, kind: "namespaces"))
        }
        let namespace = try ObjectCodec.decode(Namespace.self, from: stored.value)
        if namespace.status?.phase == "Terminating" {
            throw .forbidden("\(request.resource) \"\(request.name)\" is forbidden: unable to create new content in namespace \(request.namespace) because it is being terminated")
        }
    }
}
