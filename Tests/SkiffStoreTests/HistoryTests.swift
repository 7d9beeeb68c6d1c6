import CSQLite
import Foundation
import Testing
@testable import SkiffStore

@Suite("Key history with commit times and request timings")
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

    @Test("each version keeps the timing of the request that wrote it; writes without one have none")
    func timingsStayWithTheirVersions() async throws {
        try await withStore { store in
            let t0 = Date(timeIntervalSince1970: 1_800_000_000.25)
            let full = WriteTiming(received: t0, authorized: t0 + 0.0001, allocationStarted: t0 + 0.0002,
                                   allocated: t0 + 0.00025, admitted: t0 + 0.0004)
            let deletion = WriteTiming(received: t0 + 1, authorized: t0 + 1.001)
            _ = try await store.write(.create(key("a"), "a1"), timing: full)
            _ = try await store.write(.update(key("a"), "a2"))
            // An atomic group pairs timings by index; a missing one is nil.
            _ = try await store.writeAll([.create(key("b"), "b1"), .create(key("c"), "c1")], timings: [nil, deletion])
            _ = try await store.write(.delete(key("a"), expectedRevision: nil), timing: deletion)
            let history = try await store.history(of: key("a"))
            #expect(history.map(\.type) == [.added, .modified, .deleted])
            let stored = try #require(history[0].timing)
            // Stored as Unix seconds in a REAL: equal to well under a microsecond.
            #expect(abs(stored.received.timeIntervalSince(t0)) < 1e-6)
            #expect(abs(stored.authorized!.timeIntervalSince(full.authorized!)) < 1e-6)
            #expect(abs(stored.allocationStarted!.timeIntervalSince(full.allocationStarted!)) < 1e-6)
            #expect(abs(stored.allocated!.timeIntervalSince(full.allocated!)) < 1e-6)
            #expect(abs(stored.admitted!.timeIntervalSince(full.admitted!)) < 1e-6)
            #expect(history[1].timing == nil)
            #expect(history[2].timing?.admitted == nil && history[2].timing?.allocated == nil)
            #expect(abs(history[2].timing!.authorized!.timeIntervalSince(deletion.authorized!)) < 1e-6)
            #expect(try await store.history(of: key("b"))[0].timing == nil)
            #expect(try await store.history(of: key("c"))[0].timing != nil)
        }
    }

    @Test("a file written before request timings were kept opens; its old versions have none, new ones do")
    func olderFilesGainTimingColumns() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(directory: directory, options: .fast)
            _ = try await store.write(.create(key("a"), "a1"))
            await store.close()
            var db: OpaquePointer?
            #expect(sqlite3_open(directory.appendingPathComponent("skiff.db").path, &db) == SQLITE_OK)
            for column in StoreSchema.timingColumns {
                #expect(sqlite3_exec(db, "ALTER TABLE history DROP COLUMN \(column)", nil, nil, nil) == SQLITE_OK)
            }
            sqlite3_close(db)

            let reopened = try SQLiteStore(directory: directory, options: .fast)
            _ = try await reopened.write(.update(key("a"), "a2"), timing: WriteTiming(received: Date(), authorized: Date()))
            let history = try await reopened.history(of: key("a"))
            #expect(history.map { $0.timing == nil } == [true, false])
            #expect(history.map { text($0.object.value) } == ["a1", "a2"])
            await reopened.close()
        }
    }
}
