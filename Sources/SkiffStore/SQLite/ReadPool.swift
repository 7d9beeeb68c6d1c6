import Foundation

/// The read side: a few threads, each owning one read connection, taking reads from a shared queue. WAL lets them
/// read while the writer writes, and running them on threads of their own keeps SQLite's blocking calls off Swift's
/// cooperative pool.
final class ReadPool: Sendable {
    private struct Job: Sendable {
        let run: @Sendable (SQLiteConnection) -> Void
    }

    private let queue: JobQueue<Job>

    /// Opens `count` read connections to `path` (after the writer has created the schema) and starts their threads.
    init(path: String, count: Int, busyTimeout: Duration) throws {
        var connections: [SQLiteConnection] = []
        for _ in 0..<max(count, 1) {
            let connection = try SQLiteConnection(path: path, create: false, busyTimeout: busyTimeout)
            try StoreSchema.open(reader: connection)
            connections.append(connection)
        }
        let queue = JobQueue<Job>(threads: connections.count)
        self.queue = queue
        for (index, connection) in connections.enumerated() {
            // Thread rule: from here on, `connection` is used only by this thread.
            let thread = Thread {
                while let jobs = queue.take(limit: 1, weight: { _ in 1 }) {
                    for job in jobs { job.run(connection) }
                }
                connection.close()
                queue.threadExited()
            }
            thread.name = "skiff.store.reader.\(index)"
            thread.start()
        }
    }

    /// Runs `body` on a reader thread with its connection; .closed once the pool is closed.
    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job { connection in continuation.resume(with: Result { try body(connection) }) }
            if !queue.submit(job) { continuation.resume(throwing: StoreError.closed) }
        }
    }

    /// Refuses new reads; those queued still run. Returns at once.
    func shutdown() { queue.close() }

    /// Refuses new reads and returns once the queued ones ran and every connection is closed.
    func close() async {
        queue.close()
        await queue.waitForThreads()
    }
}
