import SkiffAPI
import SkiffStore
import Synchronization

/// A ResourceQuota-like limit on the number of Services per namespace (`--max-services-per-namespace`, 0 means
/// unlimited), the last step of the admission chain as Kubernetes' ResourceQuota is the last validating plugin.
///
/// The count is kept in memory, never read from the store on the request path: the names of the stored Services
/// per namespace (from the start-up list and the store's commits, so replays are idempotent) plus a **slot** per
/// create admitted but not yet committed. Checking the count and taking the slot happen under one lock, so
/// concurrent creates (and the items of one `apply`) cannot together pass the limit: each waits for nothing but
/// sees the others' slots. A slot is released when its write is undone (failure, dry run, a later plugin
/// refusing), or turned into the stored name when it commits. (Kubernetes gets the same effect from a
/// compare-and-swap on the ResourceQuota's status.)
final class ServiceQuota: AdmissionPlugin {
    let name = "ServiceQuota"
    /// The name in messages, as a ResourceQuota object's would be.
    static let quotaName = "max-services-per-namespace"
    let limit: Int

    /// A create's claim on one Service of a namespace, held in its `Reservation`.
    struct Slot: Sendable {
        let quota: ServiceQuota
        let namespace: String
        let id: UInt64
    }

    private struct Pending {
        var name: String
        /// The store's commit observer already reported this name added (and maybe deleted since): when the slot
        /// is released as committed, the stored names are already right and must not be touched.
        var observed = false
    }

    private struct Counts {
        var names: [String: Set<String>] = [:]
        var pending: [String: [UInt64: Pending]] = [:]
        var nextID: UInt64 = 0

        /// Stored names plus pending ones (a name both stored and pending counts once). O(creates in flight): this
        /// runs under the lock for every Service create, so it must not walk the stored names.
        func used(_ namespace: String) -> Int {
            let stored = names[namespace]
            guard let slots = pending[namespace], !slots.isEmpty else { return stored?.count ?? 0 }
            var extra = Set<String>()
            for slot in slots.values where stored?.contains(slot.name) != true { extra.insert(slot.name) }
            return (stored?.count ?? 0) + extra.count
        }
    }

    private let counts = Mutex(Counts())

    init(limit: Int) { self.limit = limit }

    func admit(_ request: inout AdmissionRequest) async throws(Status) {
        guard limit > 0, request.operation == .create, request.resource == Service.resource else { return }
        let (namespace, name, limit) = (request.namespace, request.name, limit)
        let taken: Result<UInt64, Status> = counts.withLock { counts in
            let used = counts.used(namespace)
            guard used < limit else {
                return .failure(Status(
                    code: 403, reason: "Forbidden",
                    message: "services \"\(name)\" is forbidden: exceeded quota: \(Self.quotaName), requested: services=1, used: services=\(used), limited: services=\(limit)",
                    details: StatusDetails(name: name, kind: Service.resource.plural)))
            }
            counts.nextID += 1
            counts.pending[namespace, default: [:]][counts.nextID] = Pending(name: name)
            return .success(counts.nextID)
        }
        request.reservation.quotaSlots.append(Slot(quota: self, namespace: namespace, id: try taken.get()))
    }

    /// Services counted in the namespace: stored ones and creates in flight.
    func count(in namespace: String) -> Int { counts.withLock { $0.used(namespace) } }

    /// Ends a slot: undone, or committed (then its name is stored, unless the observer has already said so).
    func release(_ slot: Slot, committed: Bool) {
        counts.withLock { counts in
            guard let pending = counts.pending[slot.namespace]?.removeValue(forKey: slot.id) else { return }
            if counts.pending[slot.namespace]?.isEmpty == true { counts.pending[slot.namespace] = nil }
            if committed && !pending.observed { counts.names[slot.namespace, default: []].insert(pending.name) }
        }
    }

    /// Counts the stored Services (call before the commit observer starts feeding `observe`, or after: both are idempotent).
    func load(from store: any Store) async throws {
        let (services, _) = try await store.list(resource: Service.resource.plural, namespace: nil, atRevision: nil)
        counts.withLock { counts in
            for service in services { counts.names[service.key.namespace, default: []].insert(service.key.name) }
        }
    }

    /// The store's commit observer: Service creates and deletes move the counts. It runs after the writer was
    /// resumed, so a committed slot may be released before or after its create is observed; both orders end with
    /// the name stored once.
    func observe(_ events: [StoreEvent]) {
        let services = events.filter { $0.object.key.resource == Service.resource.plural && $0.type != .modified }
        guard !services.isEmpty else { return }
        counts.withLock { counts in
            for event in services {
                let key = event.object.key
                guard event.type == .added else {
                    counts.names[key.namespace]?.remove(key.name)
                    continue
                }
                counts.names[key.namespace, default: []].insert(key.name)
                if var pending = counts.pending[key.namespace] {
                    for (id, slot) in pending where slot.name == key.name { pending[id]?.observed = true }
                    counts.pending[key.namespace] = pending
                }
            }
        }
    }
}
