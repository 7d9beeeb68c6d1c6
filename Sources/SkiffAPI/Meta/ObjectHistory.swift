/// One stored version of an object, as `get` with `history=true` returns them: the revision that wrote it, the
/// kind of write (ADDED, MODIFIED, DELETED: a deletion carries the last value), when it committed, when the
/// apiserver handled the request that wrote it, and the object. `skiffctl describe` builds a Service's
/// registration timeline from these.
public struct ObjectVersion<Object: APIObject>: Decodable, Sendable {
    public var revision: Int64
    public var type: String
    /// nil for revisions written before the store kept commit times.
    public var committed: MicroTime?
    /// nil for writes the apiserver made on its own, and for revisions written before it kept request timings.
    public var timing: WriteTimes?
    public var object: Object

    public init(revision: Int64, type: String, committed: MicroTime?, timing: WriteTimes? = nil, object: Object) {
        self.revision = revision
        self.type = type
        self.committed = committed
        self.timing = timing
        self.object = object
    }
}

/// When the apiserver handled the request behind a write, on the clock of `committed`: received, authenticated and
/// authorized, the ClusterIP allocation (when one was taken), the end of admission (absent for deletes).
public struct WriteTimes: Codable, Sendable, Equatable {
    public var received: MicroTime
    public var authorized: MicroTime?
    public var allocationStarted: MicroTime?
    public var allocated: MicroTime?
    public var admitted: MicroTime?

    public init(received: MicroTime, authorized: MicroTime? = nil, allocationStarted: MicroTime? = nil, allocated: MicroTime? = nil,
                admitted: MicroTime? = nil) {
        self.received = received
        self.authorized = authorized
        self.allocationStarted = allocationStarted
        self.allocated = allocated
        self.admitted = admitted
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
