import Foundation

/// The default `Store`: SQLite in WAL mode in DIR/skiff.db, with group commit.
///
/// One writer thread owns the write connection and commits everything queued in one transaction (one fsync with
/// `synchronous`); a few reader threads own read connections, so reads never wait for the writer. See `StoreSchema`
/// for the tables and `StoreWriter` for the commit rules. Open one store per data directory (a lock file enforces it).
public final class SQLiteStore: Store {
    public struct Options: Sendable {
        /// Most writes committed in one transaction. A `writeAll` group is never split, so a larger one commits alone.
        public var maxBatch: Int
        /// Fsync every commit before acknowledging it (synchronous=FULL). False only in tests that do not test
        /// durability: a crash of the OS may then lose acknowledged writes.
        public var synchronous: Bool
        /// Revisions of history (events, past versions) kept before automatic compaction drops older ones.
        public var historyRetention: Int
        /// Read connections, each with its own thread.
        public var readConnections: Int
        /// How long a connection waits for a lock held by someone else (a checkpoint, an outside `sqlite3` shell).
        public var busyTimeout: Duration

        public init(maxBatch: Int = 512, synchronous: Bool = true, historyRetention: Int = 100_000,
                    readConnections: Int = 4, busyTimeout: Duration = .seconds(5)) {
            self.maxBatch = maxBatch
            self.synchronous = synchronous
            self.historyRetention = historyRetention
            self.readConnections = readConnections
            self.busyTimeout = busyTimeout
        }
    }

    /// Counters since open, for metrics and for checking that group commit groups.
    public struct Statistics: Sendable, Equatable {
        /// Transactions that committed at least one write: one WAL fsync each with `synchronous`.
        public var commits = 0
        /// Writes committed and writes failed (preconditions, closures, I/O).
        public var writes = 0
        public var failedWrites = 0
        /// Most writes committed in one transaction.
        public var largestBatch = 0
        public var compactions = 0
        public var compactedThrough: Revision = 0
        /// Why the last automatic compaction failed, if it did (it is retried after the next commit).
        public var lastCompactionError: String?
    }

    /// DIR/skiff.db.
    public let databaseURL: URL
    private let lock: DirectoryLock
    private let writes: JobQueue<WriterJob>
    private let reads: ReadPool
    private let status: WriterStatus

    /// Opens DIR/skiff.db, creating the directory and the database if needed, and rebuilds everything from the file.
    public init(directory: URL, options: Options = .init()) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.io("cannot create data directory \(directory.path): \(error.localizedDescription)")
        }
        lock = try DirectoryLock(path: directory.appendingPathComponent("skiff.lock").path)
        databaseURL = directory.appendingPathComponent("skiff.db")
        let connection = try SQLiteConnection(path: databaseURL.path, create: true, busyTimeout: options.busyTimeout)
        let (current, compacted) = try StoreSchema.open(writer: connection, synchronous: options.synchronous)
        if options.synchronous { try DirectoryLock.syncDirectory(directory.path) }
        reads = try ReadPool(path: databaseURL.path, count: options.readConnections, busyTimeout: options.busyTimeout)
        writes = JobQueue(threads: 1)
        status = WriterStatus(revision: current, compacted: compacted)
        StoreWriter(connection: connection, queue: writes, status: status, lock: lock, options: options,
                    revision: current, compacted: compacted).start()
    }

    /// Without `close()`, queued work still finishes on the store's threads; the writer releases the directory lock
    /// when it is done.
    deinit {
        writes.close()
        reads.shutdown()
    }

    /// Called after every durable commit with that commit's events, in revision order, on the writer thread; must be
    /// fast (the apiserver's watch publisher hangs off this). Replaces any earlier observer.
    public func setCommitObserver(_ observer: @escaping @Sendable ([StoreEvent]) -> Void) {
        status.observer.withLock { $0 = observer }
    }

    public var statistics: Statistics { status.statistics.withLock { $0 } }

    /// Write requests waiting for the writer thread, and whether `close()` has begun (for tests).
    var queuedWrites: Int { writes.count }
    var isClosing: Bool { writes.isClosed }

    public var currentRevision: Revision {
        get async throws {
            guard !writes.isClosed else { throw StoreError.closed }
            return status.revision.load(ordering: .acquiring)
        }
    }

    public func get(_ key: StoreKey) async throws -> StoredObject? {
        try await reads.read { try $0.object(key)?.object }
    }

    /// A revision newer than the current one reads the latest state; the returned revision says which.
    public func list(resource: String, namespace: String?, atRevision: Revision?) async throws -> (objects: [StoredObject], revision: Revision) {
        try await reads.read { connection in
            try connection.readTransaction {
                let (current, compacted) = try connection.revisions()
                guard let revision = atRevision, revision < current else {
                    return (try connection.latestObjects(resource: resource, namespace: namespace), current)
                }
                guard revision >= compacted else {
                    throw StoreError.compacted("the state of \(resource) at revision \(revision) is gone", through: compacted)
                }
                return (try connection.objects(resource: resource, namespace: namespace, at: revision), revision)
            }
        }
    }

    public func events(after: Revision, limit: Int) async throws -> [StoreEvent] {
        try await reads.read { connection in
            try connection.readTransaction {
                let compacted = try connection.revisions().compacted
                guard after >= compacted else {
                    throw StoreError.compacted("events after revision \(after) are gone", through: compacted)
                }
                return limit > 0 ? try connection.events(after: after, limit: limit) : []
            }
        }
    }

    public func history(of key: StoreKey, since: Revision = 0) async throws -> [StoreHistoryEntry] {
        try await reads.read { try $0.history(of: key, since: since) }
    }

    public func write(_ write: StoreWrite, timing: WriteTiming?) async throws -> StoreEvent {
        try await submit(TimedWrites(writes: [write], timings: [timing]))[0]
    }

    public func writeAll(_ writes: [StoreWrite], timings: [WriteTiming?]) async throws -> [StoreEvent] {
        writes.isEmpty ? [] : try await submit(TimedWrites(writes: writes, timings: timings))
    }

    /// Compacts through `revision`, or through the current revision if `revision` is newer; a no-op for a revision
    /// already compacted. The revision itself does not change.
    public func compact(through revision: Revision) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if !writes.submit(.compact(through: revision, continuation)) { continuation.resume(throwing: StoreError.closed) }
        }
    }

    /// Finishes the queued writes and reads, then closes the database and releases the directory. Later calls fail
    /// with .closed.
    public func close() async {
        writes.close()
        await writes.waitForThreads()
        await reads.close()
        lock.release()
    }

    private func submit(_ batch: TimedWrites) async throws -> [StoreEvent] {
        try await withCheckedThrowingContinuation { continuation in
            if !writes.submit(.write(batch, continuation)) { continuation.resume(throwing: StoreError.closed) }
        }
    }
}
