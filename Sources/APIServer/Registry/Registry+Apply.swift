import Foundation
import SkiffAPI
import SkiffStore

/// The result of applying one object, as returned in an `ApplyResult` body.
struct ApplyOutcome: Sendable {
    var action: PlannedWrite.Action
    var resource: ResourceInfo
    var object: Data
}

extension Registry {
    /// Applies objects atomically: each is admitted in order (a Namespace created by an earlier item counts as
    /// existing for later ones), then every write commits in one store transaction, or none does.
    func apply(_ objects: [any APIObject], defaultNamespace: String, dryRun: Bool) async throws(Status) -> [ApplyOutcome] {
        var seen = Set<StoreKey>()
        for (index, object) in objects.enumerated() {
            let resource = type(of: object).resource
            let key = Self.key(resource, namespace: object.metadata.namespace ?? defaultNamespace, name: object.name)
            guard seen.insert(key).inserted else {
                throw Status.badRequest("\(resource) \"\(object.name)\" appears more than once in the list").prefixed(item: index)
            }
        }
        var attempt = 0
        while true {
            attempt += 1
            var plans: [PlannedWrite] = []
            var namespacesInBatch = Set<String>()
            for (index, object) in objects.enumerated() {
                do {
                    let plan = try await planApply(object, namespace: object.metadata.namespace ?? defaultNamespace, namespacesInBatch: namespacesInBatch)
                    if plan.action == .created, plan.object is Namespace { namespacesInBatch.insert(plan.name) }
                    plans.append(plan)
                } catch {
                    for planIndex in plans.indices { plans[planIndex].rollback() }
                    throw objects.count > 1 ? error.prefixed(item: index) : error
                }
            }
            if dryRun {
                for index in plans.indices { plans[index].rollback() }
                return plans.map { ApplyOutcome(action: $0.action, resource: $0.resource, object: ObjectCodec.encode($0.object)) }
            }
            do {
                var events = try await commit(plans)[...]
                return plans.map { plan in
                    let stored = plan.write == nil ? ObjectCodec.encode(plan.object) : events.removeFirst().object.value
                    return ApplyOutcome(action: plan.action, resource: plan.resource, object: stored)
                }
            } catch where error.code == 409 && error.reason == "Conflict" && attempt < Self.conflictRetries {
                continue
            }
        }
    }

    private func planApply<T: APIObject>(_ object: T, namespace: String, namespacesInBatch: Set<String>) async throws(Status) -> PlannedWrite {
        let key = Self.key(T.resource, namespace: namespace, name: object.name)
        let current: StoredObject?
        do { current = try await store.get(key) } catch { throw .from(error, resource: T.resource, name: object.name) }
        guard let current else {
            return try await planCreate(object, namespace: namespace, namespacesInBatch: namespacesInBatch)
        }
        return try await planUpdate(object, current: current, mode: .replace, precondition: object.metadata.resourceVersion)
    }
}
