import Foundation
import Logging
import SkiffAPI
import SkiffStore
import Synchronization

/// Binds the Pods that were created while no node was Ready, once one is: the scheduler's retry of pending Pods.
///
/// It costs nothing while every Pod is bound: it scans the Pods only after admission left one unbound (or at
/// start), and only when a node is Ready. A bind is a compare-and-swap on the Pod's revision that sets
/// `spec.nodeName` if it is still empty (Kubernetes' binding subresource), so it never races a delete or update.
final class PendingPodBinder: Sendable {
    let scheduling: PodScheduling
    let store: any Store
    let logger: Logger
    /// How often it looks, in steps that also check for `shutdown`.
    let interval: Duration = .seconds(1)
    private let stopped = Atomic(false)

    init(scheduling: PodScheduling, store: any Store, logger: Logger) {
        self.scheduling = scheduling
        self.store = store
        self.logger = logger
    }

    /// Runs until `shutdown` (or cancellation).
    func run() async {
        while !stopped.load(ordering: .acquiring) && !Task.isCancelled {
            if scheduling.pendingMayExist.load(ordering: .acquiring) {
                do { try await bindPending() } catch {
                    logger.warning("binding pending pods failed; retrying", metadata: ["error": "\(error)"])
                }
            }
            for _ in 0..<10 where !stopped.load(ordering: .acquiring) { try? await Task.sleep(for: interval / 10) }
        }
    }

    func shutdown() { stopped.store(true, ordering: .releasing) }

    /// One pass: binds every unbound Pod it can; clears the flag when none is left unbound.
    func bindPending() async throws {
        let nodes = try await scheduling.readyNodes()
        guard !nodes.isEmpty else { return }
        // Cleared first: a Pod left unbound by admission during this pass sets it again.
        scheduling.pendingMayExist.store(false, ordering: .releasing)
        let stored = try await store.list(resource: Pod.resource.plural, namespace: nil, atRevision: nil).objects
        var left = 0
        for object in stored {
            guard let pod = try? ObjectCodec.decode(Pod.self, from: object.value), (pod.spec?.nodeName ?? "").isEmpty,
                  pod.metadata.deletionTimestamp == nil else { continue }
            guard let node = scheduling.choose(for: pod, among: nodes) else { left += 1; continue }
            if try await bind(object, to: node) {
                logger.info("bound pending pod", metadata: ["pod": "\(pod.namespace)/\(pod.name)", "node": "\(node)"])
            } else {
                left += 1
            }
        }
        if left > 0 { scheduling.pendingMayExist.store(true, ordering: .releasing) }
    }

    /// Sets spec.nodeName if the Pod is unchanged since it was read; false when it changed meanwhile.
    private func bind(_ object: StoredObject, to node: String) async throws -> Bool {
        do {
            _ = try await store.write(.update(object.key, expectedRevision: object.modRevision) { current, revision in
                var pod = try ObjectCodec.decode(Pod.self, from: current.value)
                pod.spec?.nodeName = node
                return try ObjectCodec.encode(pod, revision: revision)
            })
            return true
        } catch let error as StoreError where error.code == .conflict || error.code == .notFound {
            return false
        }
    }
}
