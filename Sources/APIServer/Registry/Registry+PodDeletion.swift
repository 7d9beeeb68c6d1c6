import Foundation
import SkiffAPI
import SkiffStore

/// Graceful Pod deletion, as Kubernetes' pod strategy: a Pod running on a node is not removed at once. The first
/// DELETE sets `deletionTimestamp` (now + grace) and `deletionGracePeriodSeconds`; the node's kubelet then stops
/// the containers (SIGTERM, SIGKILL at the deadline) and deletes the Pod with grace 0. Meanwhile the Pod is
/// terminating: the endpoints controller moves it to not-ready and marks its slice endpoint terminating.
///
/// Deleted at once instead: a Pod bound to no node, a finished Pod, a delete with grace 0 (`--force`), and a Pod
/// whose node has no Ready kubelet to finish the job (Kubernetes leaves those to the pod garbage collector).
extension Registry {
    /// The graceful first step for `current`, committed; nil when the Pod should be deleted at once.
    func terminatePodGracefully(_ current: StoredObject, gracePeriod: Int64?) async throws(Status) -> Data? {
        let pod = try ObjectCodec.decode(Pod.self, from: current.value)
        let requested = gracePeriod ?? pod.metadata.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30
        guard requested > 0, let nodeName = pod.spec?.nodeName, !nodeName.isEmpty,
              pod.status?.phase != "Succeeded", pod.status?.phase != "Failed",
              try await nodeIsReady(nodeName) else { return nil }
        let now = Date()
        if let deadline = pod.metadata.deletionTimestamp?.date {
            // Already terminating: a shorter grace brings the deadline forward, a longer one changes nothing.
            guard now.addingTimeInterval(TimeInterval(requested)) < deadline else { return current.value }
        }
        var terminating = pod
        terminating.metadata.deletionTimestamp = Timestamp(now.addingTimeInterval(TimeInterval(requested)))
        terminating.metadata.deletionGracePeriodSeconds = requested
        let final = terminating
        let plan = PlannedWrite(
            action: .configured, resource: Pod.resource, name: pod.name,
            write: .update(current.key, expectedRevision: current.modRevision) { _, revision in try ObjectCodec.encode(final, revision: revision) },
            object: final, reservation: Reservation())
        return try await commit([plan])[0].object.value
    }

    private func nodeIsReady(_ name: String) async throws(Status) -> Bool {
        let stored: StoredObject?
        do { stored = try await store.get(StoreKey(resource: Node.resource.plural, namespace: "", name: name)) } catch {
            throw .from(error, resource: Node.resource, name: name)
        }
        guard let stored, let node = try? ObjectCodec.decode(Node.self, from: stored.value) else { return false }
        return node.isReady
    }
}
