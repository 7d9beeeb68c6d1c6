import Foundation

extension StoreWriter {
    /// Compacts through `requested`, clamped to the current revision; a no-op if that is already compacted.
    /// Runs in its own transaction on the writer thread.
    func compact(through requested: Revision) throws {
        let target = min(requested, currentRevision)
        guard target > compactedRevision else { return }
        do {
            try connection.execute("BEGIN IMMEDIATE")
            try connection.compactHistory(through: target)
            try connection.execute("COMMIT")
        } catch {
            if !connection.isAutocommit { try? connection.execute("ROLLBACK") }
            throw error
        }
        compactedRevision = target
        status.statistics.withLock { statistics in
            statistics.compactions += 1
            statistics.compactedThrough = target
        }
    }

    /// Automatic compaction: keeps `historyRetention` revisions of history, compacting in steps of a tenth of that
    /// (at least 1) so the cost is spread out rather than paid on every commit.
    func compactIfDue() {
        let retention = Revision(max(options.historyRetention, 0))
        guard currentRevision - compactedRevision >= retention + max(retention / 10, 1) else { return }
        do {
            try compact(through: currentRevision - retention)
        } catch {
            let message = (error as? StoreError)?.message ?? String(describing: error)
            status.statistics.withLock { $0.lastCompactionError = message }
        }
    }
}
