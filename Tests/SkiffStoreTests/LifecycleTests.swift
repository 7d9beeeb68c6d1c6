import Foundation
import Testing
@testable import SkiffStore

@Suite("Open, close and reopen")
struct LifecycleTests {
    @Test("a reopened store has the data and the revision, and continues after it")
    func reopen() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(directory: directory)
            _ = try await store.write(.create(key("a"), "a1"))
            _ = try await store.write(.create(key("b"), "b1"))
            _ = try await store.write(.delete(key("b"), expectedRevision: nil))
            await store.close()
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("skiff.db").path))
            // Closing folds the WAL into the database file.
            let wal = try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("skiff.db-wal").path)
            #expect((wal?[.size] as? Int ?? 0) == 0)

            let reopened = try SQLiteStore(directory: directory)
            #expect(try await reopened.currentRevision == 3)
            #expect(try await reopened.get(key("a")) == StoredObject(key: key("a"), value: bytes("a1"), createRevision: 1, modRevision: 1))
            #expect(try await reopened.get(key("b")) == nil)
            #expect(try await reopened.events(after: 0, limit: 10).map(\.type) == [.added, .added, .deleted])
            #expect(try await reopened.write(.update(key("a"), "a2")).revision == 4)
            await reopened.close()
        }
    }

    @Test("after close, reads and writes fail with .closed")
    func closed() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(directory: directory, options: .fast)
            _ = try await store.write(.create(key("a"), "{}"))
            await store.close()
            await store.close()  // idempotent
            await #expect(throws: StoreError(code: .closed, message: "the store is closed")) { try await store.write(.create(key("b"), "{}")) }
            await #expect(throws: StoreError.closed) { try await store.writeAll([.create(key("b"), "{}")]) }
            await #expect(throws: StoreError.closed) { try await store.get(key("a")) }
            await #expect(throws: StoreError.closed) { try await store.list(resource: "services", namespace: nil, atRevision: nil) }
            await #expect(throws: StoreError.closed) { try await store.events(after: 0, limit: 1) }
            await #expect(throws: StoreError.closed) { try await store.compact(through: 1) }
            await #expect(throws: StoreError.closed) { try await store.currentRevision }
        }
    }

    @Test("close finishes the writes queued before it")
    func closeDrainsQueue() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(directory: directory, options: .fast)
            let gate = WriterGate()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await store.write(gate.blockingCreate(key("blocker"))) }
                try await waitUntil("the writer to be held") { gate.isEntered }
                for index in 0..<20 {
                    group.addTask { _ = try await store.write(.create(key("queued-\(index)"), "{}")) }
                }
                try await waitUntil("20 queued writes") { store.queuedWrites == 20 }
                group.addTask { await store.close() }
                try await waitUntil("close to begin") { store.isClosing }
                await #expect(throws: StoreError.closed) { try await store.write(.create(key("late"), "{}")) }
                gate.open()
                try await group.waitForAll()
            }
            let reopened = try SQLiteStore(directory: directory, options: .fast)
            let list = try await reopened.list(resource: "services", namespace: nil, atRevision: nil)
            #expect(list.objects.count == 21)
            #expect(list.revision == 21)
            await reopened.close()
        }
    }

    @Test("only one store at a time opens a data directory")
    func directoryLock() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(directory: directory, options: .fast)
            do {
                _ = try SQLiteStore(directory: directory, options: .fast)
                Issue.record("a second store opened the same directory")
            } catch let error as StoreError {
                #expect(error.code == .io)
                #expect(error.message.contains("another store has this data directory open"))
            }
            await store.close()
            let again = try SQLiteStore(directory: directory, options: .fast)
            await again.close()
        }
    }

    @Test("a database from a newer build is refused with a clear message")
    func newerSchema() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(directory: directory, options: .fast)
            await store.close()
            let connection = try SQLiteConnection(path: directory.appendingPathComponent("skiff.db").path, create: false, busyTimeout: .seconds(1))
            try connection.execute("UPDATE schema_version SET version = 2")
            connection.close()
            #expect(throws: StoreError(code: .io, message: "\(directory.appendingPathComponent("skiff.db").path) has schema version 2; this build reads version 1")) {
                _ = try SQLiteStore(directory: directory, options: .fast)
            }
        }
    }
}
