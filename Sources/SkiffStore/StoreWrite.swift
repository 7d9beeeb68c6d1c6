import Foundation

/// A write. `value` closures run inside the store's commit, with the revision the write will get, so the caller can
/// stamp metadata.resourceVersion into the bytes; `update`'s closure also receives the current object
/// (read-modify-write without a race, like Kubernetes' GuaranteedUpdate). A closure that throws fails only that write;
/// its error is rethrown to that caller unchanged. Closures run on the store's writer thread while it holds the write
/// transaction: keep them short and never block in them.
public enum StoreWrite: Sendable {
    /// Fails with .alreadyExists if the key exists.
    case create(StoreKey, value: @Sendable (Revision) throws -> Data)
    /// Fails with .notFound if the key does not exist, .conflict if `expectedRevision` is given and is not the
    /// object's modRevision.
    case update(StoreKey, expectedRevision: Revision?, value: @Sendable (_ current: StoredObject, _ revision: Revision) throws -> Data)
    /// Fails like `update`.
    case delete(StoreKey, expectedRevision: Revision?)

    public var key: StoreKey {
        switch self {
        case .create(let key, _), .update(let key, _, _), .delete(let key, _): key
        }
    }
}
