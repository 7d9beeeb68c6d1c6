import CSQLite
import Foundation
import Testing
@testable import SkiffStore

@Suite("Key history with commit times")
struct HistoryTests {
    @Test("every version of a key, in order, each with the time its revision committed")
    func versionsWithTimes() async throws {
        try await withStore { store in
            let before = Date().addingTimeInterval(-1)
            _ = try await store.write(.create(key("a"), "a1"))
            _ = try await store.write(.create(key("other"), "o1"))
            _ = try await store.write(.update(key("a"), "a2"))
            _ = try await store.write(.delete(key("a"), expectedRevision: nil))
            let after = Date().addingTimeInterval(1)
            let history = try await store.history(of: key("a"))
            #expect(history.map(\.type) == [.added, .modified, .deleted])
            #expect(history.map(\.object.modRevision) == [1, 3, 4])
            #expect(history.map { text($0.object.value) } == ["a1", "a2", "a2"])
            for entry in history {
                let committed = try #require(entry.committed)
                #expect(committed > before && committed < after)
            }
            #expect(zip(history, history.dropFirst()).allSatisfy { $0.committed! <= $1.committed! })
            #expect(try await store.history(of: key("never")).isEmpty)
        }
    }

    @Test("a file written before commit times were kept opens, and its old revisions have no time")
    func olderFilesGainTheTable() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(directory: directory, options: .fast)
            _ = try await store.write(.create(key("a"), "a1"))
            await store.close()
            // Make it look like a file from before: no commit_times table.
            var db: OpaquePointer?
            #expect(sqlite3_open(directory.appendingPathComponent("skiff.db").path, &db) == SQLITE_OK)
            #expect(sqlite3_exec(db, "DROP TABLE commit_times", nil, nil, nil) == SQLITE_OK)
            sqlite3_close(db)

            let reopened = try SQLiteStore(directory: directory, options: .fast)
            _ = try await reopened.write(.update(key("a"), "a2"))
            let history = try await reopened.history(of: key("a"))
            #expect(history.count == 2)
            #expect(history[0].committed == nil, "revision 1 was written before commit times were kept")
            #expect(history[1].committed != nil)
            await reopened.close()
        }
    }
}
