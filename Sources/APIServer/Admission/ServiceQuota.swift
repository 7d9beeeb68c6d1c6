import SkiffAPI
import SkiffStore
import Synchronization

/// A ResourceQuota-like limit on the number of Services per namespace (`--max-services-per-namespace`, 0 means
/// unlimited), the last step of the admission chain as Kubernetes' ResourceQuota is the last validating plugin.
///
/// The count is kept in memory from the store's commits (the names of the stored Services per namespace, so
/// replays and the start-up list are idempotent) and never reads the store on the request path. It counts what
/// has committed: creates in flight at the same moment, or several new Services in one `apply`, can each see the
/// same count and together pass the limit by their number. Kubernetes closes that gap with a compare-and-swap on
/// the ResourceQuota's status; see docs for the known limitation.
final class ServiceQuota: AdmissionPlugin {
    let name = "ServiceQuota"
    /// The name in messages, as a ResourceQuota object's would be.
    static let quotaName = "max-services-per-namespace"
    let limit: Int
    private let names = Mutex<[String: Set<String>]>([:])

    init(limit: Int) { self.limit = limit }

    func admit(_ request: inout AdmissionRequest) async throws(Status) {
        guard limit > 0, request.operation == .create, request.resource == Service.resource else { return }
        let used = count(in: request.namespace)
        guard used >= limit else { return }
        throw Status(
            code: 403, reason: "Forbidden",
            message: "services \"\(request.name)\" is forbidden: exceeded quota: \(Self.quotaName), requested: services=1, used: services=\(used), limited: services=\(limit)",
            details: StatusDetails(name: request.name, kind: Service.resource.plural))
    }

    func count(in namespace: String) -> Int { names.withLock { $0[namespace]?.count ?? 0 } }

    /// Counts the stored Services (call before the commit observer starts feeding `observe`, or after: both are idempotent).
    func load(from store: any Store) async throws {
        let (services, _) = try await store.list(resource: Service.resource.plural, namespace: nil, atRevision: nil)
        names.withLock { names in
            for service in services { names[service.key.namespace, default: []].insert(service.key.name) }
        }
    }

    /// The store's commit observer: Service creates and deletes move the counts.
    func observe(_ events: [StoreEvent]) {
        let services = events.filter { $0.object.key.resource == Service.resource.plural && $0.type != .modified }
        guard !services.isEmpty else { return }
        names.withLock { names in
            for event in services {
                let key = event.object.key
                if event.type == .added { names[key.namespace, default: []].insert(key.name) } else { names[key.namespace]?.remove(key.name) }
            }
        }
    }
}
