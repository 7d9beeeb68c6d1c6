import SkiffAPI
import SkiffMessaging
import Synchronization

/// Which Services, Namespaces and Pods changed since the last rebuild, recorded *inside* the informers' cache
/// updates so that the revision the controller reports is exact.
///
/// An informer runs its index functions under its cache lock, for the old and the new version of every object it
/// stores or removes, and advances `lastSyncRevision` only after that. The tap is installed as an index function
/// that files nothing and records the object's key. So once a rebuild has read an informer's revision R and then
/// drained the tap, every change through R is in what it drained: reporting R after publishing those keys never
/// claims a change not yet served. (Event handlers run later, from a task; a change already counted in R might
/// not have reached them yet.)
final class DNSChangeTap: Sendable {
    /// An object as the informers name it (original case), for `get`.
    struct Ref: Hashable, Sendable {
        let namespace: String
        let name: String
    }

    struct Changes: Sendable {
        var services: Set<Ref> = []
        var namespaces: Set<String> = []
        var pods: Set<Ref> = []

        var isEmpty: Bool { services.isEmpty && namespaces.isEmpty && pods.isEmpty }
    }

    /// The name of the index the tap is installed as (it stays empty).
    static let indexName = "skiff.dev/dns-change-tap"

    private let changes = Mutex(Changes())
    private let onChange: @Sendable () -> Void

    /// `onChange` runs after each recorded change, under the informer's lock: it must only signal.
    init(onChange: @escaping @Sendable () -> Void) {
        self.onChange = onChange
    }

    func install(services: Informer<Service>, slices: Informer<EndpointSlice>, namespaces: Informer<Namespace>, pods: Informer<Pod>?) {
        services.addIndex(Self.indexName, serviceIndex)
        slices.addIndex(Self.indexName, sliceIndex)
        namespaces.addIndex(Self.indexName, namespaceIndex)
        pods?.addIndex(Self.indexName, podIndex)
    }

    // The index functions: each records its object's key and files it under nothing.

    var serviceIndex: ObjectCache<Service>.IndexFunction {
        { [self] service in
            record { $0.services.insert(Ref(namespace: service.namespace, name: service.name)) }
            return []
        }
    }

    /// A slice counts as a change of the Service its label names (the old and the new label, when it moves).
    var sliceIndex: ObjectCache<EndpointSlice>.IndexFunction {
        { [self] slice in
            if let name = slice.metadata.labels?[EndpointSlice.serviceNameLabel], !name.isEmpty {
                record { $0.services.insert(Ref(namespace: slice.namespace, name: name)) }
            }
            return []
        }
    }

    var namespaceIndex: ObjectCache<Namespace>.IndexFunction {
        { [self] namespace in
            record { $0.namespaces.insert(namespace.name) }
            return []
        }
    }

    var podIndex: ObjectCache<Pod>.IndexFunction {
        { [self] pod in
            record { $0.pods.insert(Ref(namespace: pod.namespace, name: pod.name)) }
            return []
        }
    }

    private func record(_ body: (inout Changes) -> Void) {
        changes.withLock { changes in body(&changes) }
        onChange()
    }

    /// Whether a change is recorded that no rebuild has taken yet.
    var isPending: Bool { changes.withLock { !$0.isEmpty } }

    /// The changes recorded so far, forgotten here (the rebuild about to run takes them).
    func drain() -> Changes {
        changes.withLock { changes in
            defer { changes = Changes() }
            return changes
        }
    }
}
