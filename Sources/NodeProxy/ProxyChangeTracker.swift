import SkiffAPI
import Synchronization

/// Folds Service and EndpointSlice events into the set of Services whose dataplane state may have changed
/// (kube-proxy's service and endpoints change trackers).
///
/// Handlers only record a key here and ask for a sync; the sync drains the keys and re-projects those Services
/// from the informers' caches into `ProxyState`, which compares with what it holds: a change that cancels out
/// (an update and its revert before a sync, or a label-only edit) then programs nothing.
public final class ProxyChangeTracker: Sendable {
    private let dirty = Mutex<Set<ServiceKey>>([])

    public init() {}

    /// Records a Service event; returns true (a sync is worth requesting).
    @discardableResult
    public func serviceChanged(_ old: Service?, _ new: Service?) -> Bool {
        let keys = [old, new].compactMap { $0.map { ServiceKey(namespace: $0.namespace, name: $0.metadata.name ?? "") } }
        dirty.withLock { $0.formUnion(keys) }
        return !keys.isEmpty
    }

    /// Records an EndpointSlice event under the Service(s) its label names; false when it names none.
    @discardableResult
    public func sliceChanged(_ old: EndpointSlice?, _ new: EndpointSlice?) -> Bool {
        let keys = [old, new].compactMap { slice -> ServiceKey? in
            guard let slice, let name = slice.metadata.labels?[EndpointSlice.serviceNameLabel], !name.isEmpty else { return nil }
            return ServiceKey(namespace: slice.namespace, name: name)
        }
        dirty.withLock { $0.formUnion(keys) }
        return !keys.isEmpty
    }

    /// The keys recorded since the last drain.
    public func drain() -> Set<ServiceKey> {
        dirty.withLock { keys in
            defer { keys = [] }
            return keys
        }
    }
}
