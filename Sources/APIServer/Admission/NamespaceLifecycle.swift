import SkiffAPI
import SkiffStore
import Synchronization

/// Refuses new objects in a namespace that does not exist or is being deleted, as Kubernetes' NamespaceLifecycle.
///
/// Reads the namespace from the store on every create (so a deletion is seen at once), but decodes it only when
/// its revision changed: every create in a busy namespace decoded the same Namespace again.
final class NamespaceLifecycle: AdmissionPlugin {
    let name = "NamespaceLifecycle"
    let store: any Store
    /// Namespace name → the revision last decoded and whether it was terminating then.
    private let decoded = Mutex<[String: (revision: Revision, terminating: Bool)]>([:])

    init(store: any Store) { self.store = store }

    func admit(_ request: inout AdmissionRequest) async throws(Status) {
        guard request.resource.namespaced, request.operation == .create else { return }
        if request.namespacesInBatch.contains(request.namespace) { return }
        let key = StoreKey(resource: Namespace.resource.plural, namespace: "", name: request.namespace)
        let stored: StoredObject?
        do { stored = try await store.get(key) } catch { throw .from(error, resource: Namespace.resource, name: request.namespace) }
        guard let stored else {
            decoded.withLock { $0[request.namespace] = nil }  // a deleted namespace leaves nothing behind
            throw Status(code: 404, reason: "NotFound", message: "namespaces \"\(request.namespace)\" not found",
                         details: StatusDetails(name: request.namespace, kind: "namespaces"))
        }
        if try terminating(request.namespace, stored) {
            throw .forbidden("\(request.resource) \"\(request.name)\" is forbidden: unable to create new content in namespace \(request.namespace) because it is being terminated")
        }
    }

    private func terminating(_ namespace: String, _ stored: StoredObject) throws(Status) -> Bool {
        if let known = decoded.withLock({ $0[namespace] }), known.revision == stored.modRevision { return known.terminating }
        let terminating = try ObjectCodec.decode(Namespace.self, from: stored.value).status?.phase == "Terminating"
        decoded.withLock { $0[namespace] = (stored.modRevision, terminating) }
        return terminating
    }
}
