import SkiffAPI

/// What an informer's handlers and `events()` see: one change of the cache, after it happened.
///
/// Per object, events come in the order of its revisions and never show an older version after a newer one; a
/// deletion carries the last version known. Changes found by a relist (after lost messages or a restart of the
/// apiserver) are delivered as the same events, so a consumer cannot tell them from watched ones and needs not.
public enum InformerEvent<Object: APIObject>: Sendable, Equatable {
    case added(Object)
    case updated(old: Object, new: Object)
    case deleted(Object)

    /// The object as it is now (the new version), or as it was last known (a deletion).
    public var object: Object {
        switch self {
        case .added(let object), .updated(_, let object), .deleted(let object): object
        }
    }
}
