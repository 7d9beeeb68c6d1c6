/// One stored version of an object, as `get` with `history=true` returns them: the revision that wrote it, the
/// kind of write (ADDED, MODIFIED, DELETED: a deletion carries the last value), when it committed, and the
/// object. `skiffctl describe` builds a Service's registration timeline from these.
public struct ObjectVersion<Object: APIObject>: Decodable, Sendable {
    public var revision: Int64
    public var type: String
    /// nil for revisions written before the store kept commit times.
    public var committed: MicroTime?
    public var object: Object

    public init(revision: Int64, type: String, committed: MicroTime?, object: Object) {
        self.revision = revision
        self.type = type
        self.committed = committed
        self.object = object
    }
}

/// The reply body of a history request: `{"kind":"ObjectHistory","items":[...]}`, oldest first.
public struct ObjectHistory<Object: APIObject>: Decodable, Sendable {
    public var items: [ObjectVersion<Object>]

    public init(items: [ObjectVersion<Object>]) { self.items = items }

    /// The first version at or after `revision` that satisfies `condition`.
    public func first(from revision: Int64 = 0, where condition: (Object) -> Bool = { _ in true }) -> ObjectVersion<Object>? {
        items.first { $0.revision >= revision && $0.type != "DELETED" && condition($0.object) }
    }
}
