import Foundation

/// One version of an object: its bytes, the revision that created the object and the one that last wrote it.
public struct StoredObject: Sendable, Equatable {
    public var key: StoreKey
    public var value: Data
    public var createRevision: Revision
    public var modRevision: Revision

    public init(key: StoreKey, value: Data, createRevision: Revision, modRevision: Revision) {
        self.key = key
        self.value = value
        self.createRevision = createRevision
        self.modRevision = modRevision
    }
}

public enum EventType: String, Sendable {
    case added = "ADDED", modified = "MODIFIED", deleted = "DELETED"
}

/// What one committed write did. For `.deleted`, `object` is the last value with `modRevision` = the deletion's
/// revision, so a watcher sees what went away and when.
public struct StoreEvent: Sendable, Equatable {
    public var type: EventType
    public var object: StoredObject
    public var revision: Revision

    public init(type: EventType, object: StoredObject, revision: Revision) {
        self.type = type
        self.object = object
        self.revision = revision
    }
}

/// One stored version of a key, when its revision committed (nil for revisions written before commit times were
/// recorded), and when the apiserver handled the request that wrote it (nil when no request did, or before such
/// times were recorded).
public struct StoreHistoryEntry: Sendable, Equatable {
    public var type: EventType
    public var object: StoredObject
    public var committed: Date?
    public var timing: WriteTiming?

    public init(type: EventType, object: StoredObject, committed: Date?, timing: WriteTiming? = nil) {
        self.type = type
        self.object = object
        self.committed = committed
        self.timing = timing
    }
}
