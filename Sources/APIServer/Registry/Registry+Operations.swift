import Foundation
import SkiffAPI
import SkiffStore

extension Registry {
    /// Creates one object; returns the stored bytes (which carry the new resourceVersion).
    func create<T: APIObject>(_ object: T, namespace: String, dryRun: Bool) async throws(Status) -> Data {
        var plan = try await planCreate(object, namespace: namespace)
        if dryRun {
            plan.rollback()
            return ObjectCodec.encode(plan.object)
        }
        return try await commit([plan])[0].object.value
    }

    /// Updates one object (or its status). Without a resourceVersion precondition, a lost race is retried
    /// from a fresh read; with one, it is the caller's 409.
    func update<T: APIObject>(_ object: T, namespace: String, name: String, mode: UpdateMode, dryRun: Bool) async throws(Status) -> Data {
        let precondition = object.metadata.resourceVersion
        var attempt = 0
        while true {
            attempt += 1
            let current = try await get(T.self, namespace: namespace, name: name)
            var plan = try await planUpdate(object, current: current, mode: mode, precondition: mode == .replace ? precondition : nil)
            if dryRun || plan.write == nil {
                plan.rollback()
                return plan.write == nil ? current.value : ObjectCodec.encode(plan.object)
            }
            do {
                return try await commit([plan])[0].object.value
            } catch where error.code == 409 && (precondition ?? "").isEmpty && attempt < Self.conflictRetries {
                continue
            }
        }
    }

    /// Deletes one object; returns it as it was. Services free their ClusterIP and NodePorts once the delete commits.
    /// Pods on a node terminate gracefully first (see `terminatePodGracefully`); `gracePeriod` overrides theirs.
    func delete<T: APIObject>(_ type: T.Type, namespace: String, name: String, precondition: String?, gracePeriod: Int64? = nil,
                              dryRun: Bool) async throws(Status) -> Data {
        let current = try await get(T.self, namespace: namespace, name: name)
        if let precondition, !precondition.isEmpty, precondition != String(current.modRevision) {
            throw .conflict(T.resource, name, "the object has been modified (resourceVersion \(precondition) is stale, current is \(current.modRevision))")
        }
        if dryRun { return current.value }
        if T.resource == Pod.resource, let terminating = try await terminatePodGracefully(current, gracePeriod: gracePeriod) {
            return terminating
        }
        var plan = try planDelete(T.self, current: current)
        _ = try await commit([plan])
        plan.reservation = Reservation()
        return current.value
    }

    func planDelete<T: APIObject>(_ type: T.Type, current: StoredObject) throws(Status) -> PlannedWrite {
        let old = try ObjectCodec.decode(T.self, from: current.value)
        var reservation = Reservation()
        if let service = old as? Service, let allocation = serviceAllocation {
            if ServiceAllocation.needsClusterIP(service), let ip = service.spec?.clusterIP {
                reservation.releaseOnCommit.clusterIPs.append((allocation.clusterIPs, ip))
            }
            if ServiceAllocation.needsNodePorts(service) {
                reservation.releaseOnCommit.nodePorts += (service.spec?.ports ?? []).compactMap(\.nodePort).map { (allocation.nodePorts, $0) }
            }
        }
        return PlannedWrite(
            action: .deleted, resource: T.resource, name: old.name,
            write: .delete(current.key, expectedRevision: current.modRevision), object: old, reservation: reservation)
    }

    var serviceAllocation: ServiceAllocation? {
        admission.plugins.lazy.compactMap { $0 as? ServiceAllocation }.first
    }
}
