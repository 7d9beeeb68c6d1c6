import Foundation

/// The store's one global, monotonic revision (etcd's "revision", Kubernetes' resourceVersion). Starts at 1 and never
/// repeats or goes backwards, across restarts and compactions.
public typealias Revision = Int64

/// The apiserver's durable store: opaque JSON bytes per key, one global revision, compare-and-swap writes, lists at a
/// past revision, and an ordered event history to resume watches from.
public protocol Store: Sendable {
    /// The revision of the last committed write (0 for an empty store).
    var currentRevision: Revision { get async throws }

    func get(_ key: StoreKey) async throws -> StoredObject?

    /// A consistent snapshot: every object of `resource` (in `namespace` if given) as of `revision` (nil = latest), with
    /// the revision it reflects. Sorted by key. Throws .compacted if `revision` is older than the compaction point.
    func list(resource: String, namespace: String?, atRevision: Revision?) async throws -> (objects: [StoredObject], revision: Revision)

    /// Durable when it returns (fsync'd), failed writes leave no trace. Returns the event it produced. `timing` (when
    /// the request behind the write was received, authorized, admitted) is kept with the version, in the same
    /// transaction.
    func write(_ write: StoreWrite, timing: WriteTiming?) async throws -> StoreEvent

    /// Atomic: all writes commit in one transaction with consecutive revisions, or none does (first failure's error is
    /// thrown). Used for e.g. deleting a namespace's contents. `timings` pairs with `writes` by index (missing = nil).
    func writeAll(_ writes: [StoreWrite], timings: [WriteTiming?]) async throws -> [StoreEvent]

    /// Events with revision > `after`, in order, at most `limit`. Throws .compacted when history before it is gone.
    /// (The watch channel uses this to resume.)
    func events(after: Revision, limit: Int) async throws -> [StoreEvent]

    /// The versions of `key` written at or after revision `since` that are still in the history (since the last
    /// compaction), oldest first, with commit times and request timings: what `skiffctl describe` builds a
    /// registration timeline from.
    func history(of key: StoreKey, since: Revision) async throws -> [StoreHistoryEntry]

    /// Drops history (events and superseded/deleted versions) at or below `revision`.
    func compact(through revision: Revision) async throws

    func close() async
}

extension Store {
    /// A write without request timing (the apiserver's own writes, tests).
    public func write(_ write: StoreWrite) async throws -> StoreEvent {
        try await self.write(write, timing: nil)
    }

    public func writeAll(_ writes: [StoreWrite]) async throws -> [StoreEvent] {
        try await writeAll(writes, timings: [])
    }
}
