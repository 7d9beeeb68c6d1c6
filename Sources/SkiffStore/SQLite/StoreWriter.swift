import Foundation
import Synchronization

/// What callers hand the writer thread.
enum WriterJob: Sendable {
    /// One `write` (a single element) or one atomic `writeAll` group, with the request timing of each write.
    case write(TimedWrites, CheckedContinuation<[StoreEvent], any Error>)
    case compact(through: Revision, CheckedContinuation<Void, any Error>)

    /// What the job counts against `Options.maxBatch`.
    var weight: Int {
        switch self {
        case .write(let writes, _): max(writes.writes.count, 1)
        case .compact: 1
        }
    }
}

/// Writes and their request timings, paired by index (a missing timing is nil).
struct TimedWrites: Sendable {
    var writes: [StoreWrite]
    var timings: [WriteTiming?]

    func timing(at index: Int) -> WriteTiming? { index < timings.count ? timings[index] : nil }
}

/// What the writer publishes to every other thread.
final class WriterStatus: Sendable {
    /// The revision of the last durable commit.
    let revision: Atomic<Revision>
    let observer = Mutex<(@Sendable ([StoreEvent]) -> Void)?>(nil)
    let statistics = Mutex(SQLiteStore.Statistics())

    init(revision: Revision, compacted: Revision) {
        self.revision = Atomic(revision)
        statistics.withLock { $0.compactedThrough = compacted }
    }
}

/// The one thread that writes, with group commit: it takes everything queued (up to `maxBatch` writes), runs it in one
/// `BEGIN IMMEDIATE … COMMIT` (one fsync), then resumes every caller and tells the commit observer.
///
/// Each request runs inside a SAVEPOINT, with its preconditions checked inside the transaction: a request that fails
/// (precondition, throwing closure, even an SQL error) is rolled back to its savepoint, consumes no revision and
/// does not disturb the others; a `writeAll` group is all-or-nothing the same way. If the transaction itself is lost
/// (BEGIN or COMMIT fails, or SQLite rolls back after an I/O error), every request in the batch fails with .io.
///
/// Thread rule: after `start()`, the connection and every `var` here are touched only by the writer thread; the
/// `@unchecked Sendable` only lets that thread be started with them.
final class StoreWriter: @unchecked Sendable {
    let connection: SQLiteConnection
    let status: WriterStatus
    let options: SQLiteStore.Options
    private let queue: JobQueue<WriterJob>
    /// Held (not used) so that the data directory stays locked until this writer is gone.
    private let lock: DirectoryLock
    /// The revision of the last commit; the next write gets the one after.
    var currentRevision: Revision
    var compactedRevision: Revision

    init(connection: SQLiteConnection, queue: JobQueue<WriterJob>, status: WriterStatus, lock: DirectoryLock,
         options: SQLiteStore.Options, revision: Revision, compacted: Revision) {
        self.connection = connection
        self.queue = queue
        self.lock = lock
        self.status = status
        self.options = options
        currentRevision = revision
        compactedRevision = compacted
    }

    func start() {
        let thread = Thread { self.run() }
        thread.name = "skiff.store.writer"
        thread.start()
    }

    private func run() {
        while let jobs = queue.take(limit: max(options.maxBatch, 1), weight: \.weight) {
            var writes: [(writes: TimedWrites, continuation: CheckedContinuation<[StoreEvent], any Error>)] = []
            var compactions: [(through: Revision, continuation: CheckedContinuation<Void, any Error>)] = []
            for job in jobs {
                switch job {
                case .write(let batch, let continuation): writes.append((batch, continuation))
                case .compact(let through, let continuation): compactions.append((through, continuation))
                }
            }
            if !writes.isEmpty { commit(writes) }
            for compaction in compactions {
                compaction.continuation.resume(with: Result { try compact(through: compaction.through) })
            }
            compactIfDue()
        }
        // Best effort: fold the WAL into the database so the next open starts from a small file.
        try? connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        queue.threadExited()
    }

    /// One transaction for the whole batch. Callers are resumed after COMMIT returned, then the observer is called.
    private func commit(_ batch: [(writes: TimedWrites, continuation: CheckedContinuation<[StoreEvent], any Error>)]) {
        var outcomes: [Result<[StoreEvent], any Error>] = []
        var next = currentRevision
        do {
            try connection.execute("BEGIN IMMEDIATE")
            for request in batch {
                outcomes.append(try apply(request.writes, after: &next))
            }
            if next != currentRevision {
                try connection.setCurrentRevision(next)
                try connection.recordCommitTime(next, Date().timeIntervalSince1970)
            }
            try connection.execute("COMMIT")
        } catch {
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            let count = batch.reduce(0) { $0 + $1.writes.writes.count }
            let failure = StoreError.io("a commit of \(count) writes failed and none of them was applied: \(Self.describe(error))")
            for request in batch { request.continuation.resume(throwing: failure) }
            status.statistics.withLock { $0.failedWrites += count }
            return
        }
        let committed = Int(next - currentRevision)
        currentRevision = next
        status.revision.store(next, ordering: .releasing)
        status.statistics.withLock { statistics in
            if committed > 0 { statistics.commits += 1 }
            statistics.writes += committed
            statistics.failedWrites += batch.reduce(0) { $0 + $1.writes.writes.count } - committed
            statistics.largestBatch = max(statistics.largestBatch, committed)
        }
        var events: [StoreEvent] = []
        for (request, outcome) in zip(batch, outcomes) {
            if case .success(let produced) = outcome { events += produced }
            request.continuation.resume(with: outcome)
        }
        if !events.isEmpty, let observer = status.observer.withLock({ $0 }) {
            observer(events)
        }
    }

    /// Applies one request inside its own savepoint, numbering its writes from `next + 1`. A failure of the request is
    /// returned (and rolled back); a thrown error means the whole transaction is lost.
    private func apply(_ writes: TimedWrites, after next: inout Revision) throws -> Result<[StoreEvent], any Error> {
        try connection.execute("SAVEPOINT request")
        var events: [StoreEvent] = []
        do {
            for (index, write) in writes.writes.enumerated() {
                events.append(try apply(write, timing: writes.timing(at: index), revision: next + Revision(events.count) + 1))
            }
        } catch {
            // After SQLITE_FULL, SQLITE_IOERR or SQLITE_NOMEM, SQLite may have rolled back the whole transaction.
            if connection.isAutocommit { throw error }
            try connection.execute("ROLLBACK TO request")
            try connection.execute("RELEASE request")
            return .failure(error)
        }
        try connection.execute("RELEASE request")
        next += Revision(events.count)
        return .success(events)
    }

    /// One write at `revision`: check its precondition, run its closure, write kv and history (with its timing).
    private func apply(_ write: StoreWrite, timing: WriteTiming?, revision: Revision) throws -> StoreEvent {
        let event: StoreEvent
        switch write {
        case .create(let key, let value):
            if let existing = try connection.object(key) {
                throw StoreError.alreadyExists(key, createRevision: existing.object.createRevision)
            }
            let object = StoredObject(key: key, value: try value(revision), createRevision: revision, modRevision: revision)
            try connection.insertObject(object)
            event = StoreEvent(type: .added, object: object, revision: revision)
        case .update(let key, let expected, let value):
            let (rowid, current) = try existing(key, expected: expected)
            let data = try value(current, revision)
            try connection.updateObject(rowid: rowid, value: data, modRevision: revision)
            let object = StoredObject(key: key, value: data, createRevision: current.createRevision, modRevision: revision)
            event = StoreEvent(type: .modified, object: object, revision: revision)
        case .delete(let key, let expected):
            let (rowid, current) = try existing(key, expected: expected)
            try connection.deleteObject(rowid: rowid)
            let object = StoredObject(key: key, value: current.value, createRevision: current.createRevision, modRevision: revision)
            event = StoreEvent(type: .deleted, object: object, revision: revision)
        }
        try connection.appendHistory(event, timing: timing)
        return event
    }

    private func existing(_ key: StoreKey, expected: Revision?) throws -> (rowid: Int64, object: StoredObject) {
        guard let found = try connection.object(key) else { throw StoreError.notFound(key) }
        if let expected, expected != found.object.modRevision {
            throw StoreError.conflict(key, expected: expected, current: found.object.modRevision)
        }
        return found
    }

    private static func describe(_ error: any Error) -> String {
        (error as? StoreError)?.message ?? String(describing: error)
    }
}
