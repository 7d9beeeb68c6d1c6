/// Every failure of the store. `code` drives control flow; `message` is for a person and names the key, the
/// revisions or the file involved.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// The key does not exist (update, delete).
        case notFound
        /// The key exists (create).
        case alreadyExists
        /// `expectedRevision` is not the object's current modRevision.
        case conflict
        /// The requested revision's history was compacted away: relist at the latest revision.
        case compacted
        /// The store was closed.
        case closed
        /// SQLite or the file system failed; nothing of the failed write was kept.
        case io
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

extension StoreError {
    static func notFound(_ key: StoreKey) -> StoreError {
        StoreError(code: .notFound, message: "\(key) not found")
    }

    static func alreadyExists(_ key: StoreKey, createRevision: Revision) -> StoreError {
        StoreError(code: .alreadyExists, message: "\(key) already exists (created at revision \(createRevision))")
    }

    static func conflict(_ key: StoreKey, expected: Revision, current: Revision) -> StoreError {
        StoreError(code: .conflict, message: "\(key): expected revision \(expected), current \(current)")
    }

    /// `what` names what is gone, e.g. "events after revision 3 are gone".
    static func compacted(_ what: String, through compacted: Revision) -> StoreError {
        StoreError(code: .compacted, message: "\(what): history is compacted through revision \(compacted); list again at the latest revision")
    }

    static let closed = StoreError(code: .closed, message: "the store is closed")

    static func io(_ message: String) -> StoreError { StoreError(code: .io, message: message) }
}
