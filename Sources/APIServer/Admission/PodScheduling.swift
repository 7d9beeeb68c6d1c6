import Foundation
import SkiffAPI
import SkiffStore
import Synchronization

/// The simple scheduler: a Pod without `spec.nodeName` is bound to a schedulable node whose kubelet is posting
/// Ready, chosen round robin among those whose labels match the Pod's nodeSelector, so that a stream of Pods
/// spreads evenly over the nodes.
///
/// Pods are bound at admission when a node is Ready then; the others stay unbound (Pending) and
/// `PendingPodBinder` binds them once a node is Ready. Kubernetes binds through a separate scheduler and the
/// binding subresource; binding in the apiserver gives the same result without a second writer racing the first.
final class PodScheduling: AdmissionPlugin {
    let name = "PodScheduling"
    let store: any Store
    /// Kubernetes' node-monitor-grace-period: a node whose last heartbeat is older is not Ready any more.
    let heartbeatGrace: TimeInterval = 40
    private let next = Atomic<Int>(0)
    /// Set when a Pod was left unbound (and at start): the binder then looks for such Pods.
    let pendingMayExist = Atomic<Bool>(true)

    init(store: any Store) { self.store = store }

    func admit(_ request: inout AdmissionRequest) async throws(Status) {
        guard request.operation == .create, var pod = request.object as? Pod, (pod.spec?.nodeName ?? "").isEmpty else { return }
        guard let node = choose(for: pod, among: try await readyNodes()) else {
            pendingMayExist.store(true, ordering: .releasing)
            return
        }
        pod.spec?.nodeName = node
        request.object = pod
    }

    /// The nodes a Pod may be bound to now, sorted by name.
    func readyNodes() async throws(Status) -> [Node] {
        let listed: [StoredObject]
        do { listed = try await store.list(resource: Node.resource.plural, namespace: nil, atRevision: nil).objects } catch {
            throw .from(error, resource: Node.resource, name: "")
        }
        let now = Date()
        return listed.compactMap { try? ObjectCodec.decode(Node.self, from: $0.value) }
            .filter { schedulable($0, now: now) }
            .sorted { $0.name < $1.name }
    }

    /// The next node, round robin, among `nodes` that match the Pod's nodeSelector; nil when none does.
    func choose(for pod: Pod, among nodes: [Node]) -> String? {
        let selector = pod.spec?.nodeSelector ?? [:]
        let candidates = nodes.filter { node in selector.allSatisfy { node.labels[$0.key] == $0.value } }
        guard !candidates.isEmpty else { return nil }
        return candidates[next.add(1, ordering: .relaxed).oldValue % candidates.count].name
    }

    func schedulable(_ node: Node, now: Date) -> Bool {
        guard node.spec?.unschedulable != true,
              let ready = node.status?.conditions?.first(where: { $0.type == "Ready" }), ready.status == "True",
              let beat = ready.lastHeartbeatTime else { return false }
        return now.timeIntervalSince(beat.date) < heartbeatGrace
    }
}
