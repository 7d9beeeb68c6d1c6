import SkiffAPI
import SkiffMessaging

/// What one Service's last writes must look like in the caches before its key is planned again (client-go's
/// ControllerExpectations, Kubernetes' EndpointSliceTracker). Without it, a reconcile that runs before the watch
/// event of a slice it just created sees no slice and creates a second one.
///
/// A write is shown when the cache holds the object at (at least) the revision the apiserver returned, or, for a
/// delete, no longer holds the version that was deleted. It is also settled once the informer's cache is complete
/// through the write's revision (whatever it shows then is newer than the write: someone else changed it).
struct WriteExpectations: Sendable {
    enum Kind: Sendable { case endpoints, slice }

    struct Write: Sendable {
        var kind: Kind
        /// The cache key, `namespace/name`.
        var key: String
        /// Created or updated at this revision; nil for a delete.
        var written: Int64?
        /// The revision of the version deleted (for a delete).
        var deleted: Int64
    }

    var writes: [Write] = []

    var isEmpty: Bool { writes.isEmpty }

    mutating func wrote<T: APIObject>(_ kind: Kind, _ object: T) {
        writes.append(Write(kind: kind, key: ObjectCache<T>.key(for: object), written: ObjectCache<T>.revision(of: object), deleted: 0))
    }

    mutating func deleted<T: APIObject>(_ kind: Kind, _ object: T) {
        writes.append(Write(kind: kind, key: ObjectCache<T>.key(for: object), written: nil, deleted: ObjectCache<T>.revision(of: object)))
    }

    /// Drops the writes the caches show; true when none is left.
    mutating func settle(endpoints: Informer<Endpoints>, slices: Informer<EndpointSlice>) -> Bool {
        writes.removeAll { write in
            switch write.kind {
            case .endpoints: Self.isShown(write, endpoints)
            case .slice: Self.isShown(write, slices)
            }
        }
        return writes.isEmpty
    }

    private static func isShown<T: APIObject>(_ write: Write, _ informer: Informer<T>) -> Bool {
        let cached = informer.withCache { $0.revision(write.key) }
        if let written = write.written {
            return (cached ?? 0) >= written || informer.lastSyncRevision >= written
        }
        return cached.map { $0 > write.deleted } ?? true
    }
}
