import Foundation
import Testing
@testable import SkiffStore

@Suite("Reads: list, list at a revision, events, compaction")
struct ReadTests {
    /// r1 create a, r2 create b, r3 update a, r4 delete b, r5 create c (all services/default).
    static func seedHistory(_ store: SQLiteStore) async throws {
        _ = try await store.write(.create(key("a"), "a1"))
        _ = try await store.write(.create(key("b"), "b1"))
        _ = try await store.write(.update(key("a"), "a2"))
        _ = try await store.write(.delete(key("b"), expectedRevision: nil))
        _ = try await store.write(.create(key("c"), "c1"))
    }

    static func names(_ list: (objects: [StoredObject], revision: Revision)) -> [String] {
        list.objects.map { "\($0.key.name)=\(text($0.value)!)@\($0.createRevision)/\($0.modRevision)" }
    }

    @Test("list returns one resource, or one namespace of it, sorted by key, with the revision it reflects")
    func listByResourceAndNamespace() async throws {
        try await withStore { store in
            _ = try await store.writeAll([
                .create(key("web", namespace: "prod"), "{}"),
                .create(key("db", namespace: "prod"), "{}"),
                .create(key("web", namespace: "dev"), "{}"),
                .create(key("web", namespace: "prod", resource: "pods"), "{}"),
                .create(StoreKey(resource: "namespaces", namespace: "", name: "prod"), "{}"),
                .create(key("api", namespace: "default"), "{}"),
            ])
            let all = try await store.list(resource: "services", namespace: nil, atRevision: nil)
            #expect(all.revision == 6)
            #expect(all.objects.map(\.key.description) == ["services/default/api", "services/dev/web", "services/prod/db", "services/prod/web"])
            #expect(all.objects.map(\.key) == all.objects.map(\.key).sorted())

            let prod = try await store.list(resource: "services", namespace: "prod", atRevision: nil)
            #expect(prod.objects.map(\.key.description) == ["services/prod/db", "services/prod/web"])
            #expect(prod.revision == 6)

            let namespaces = try await store.list(resource: "namespaces", namespace: nil, atRevision: nil)
            #expect(namespaces.objects.map(\.key.description) == ["namespaces/prod"])
            #expect(try await store.list(resource: "nodes", namespace: nil, atRevision: nil).objects.isEmpty)
        }
    }

    @Test("list at an older revision returns that past state: objects deleted since, not objects created since")
    func listAtRevision() async throws {
        try await withStore { store in
            try await Self.seedHistory(store)
            let expected: [Revision: [String]] = [
                0: [],
                1: ["a=a1@1/1"],
                2: ["a=a1@1/1", "b=b1@2/2"],
                3: ["a=a2@1/3", "b=b1@2/2"],
                4: ["a=a2@1/3"],
                5: ["a=a2@1/3", "c=c1@5/5"],
            ]
            for (revision, names) in expected.sorted(by: { $0.key < $1.key }) {
                let list = try await store.list(resource: "services", namespace: nil, atRevision: revision)
                #expect(Self.names(list) == names, "at revision \(revision)")
                #expect(list.revision == revision)
                let inNamespace = try await store.list(resource: "services", namespace: "default", atRevision: revision)
                #expect(Self.names(inNamespace) == names, "in namespace default at revision \(revision)")
                #expect(try await store.list(resource: "services", namespace: "other", atRevision: revision).objects.isEmpty)
            }
            let future = try await store.list(resource: "services", namespace: nil, atRevision: 99)
            #expect(future.revision == 5)
            #expect(Self.names(future) == ["a=a2@1/3", "c=c1@5/5"])
        }
    }

    @Test("events(after:) returns what each write did, in order, limited")
    func events() async throws {
        try await withStore { store in
            try await Self.seedHistory(store)
            let events = try await store.events(after: 0, limit: 100)
            #expect(events.map(\.revision) == [1, 2, 3, 4, 5])
            #expect(events.map(\.type) == [.added, .added, .modified, .deleted, .added])
            #expect(events.map { $0.object.key.name } == ["a", "b", "a", "b", "c"])
            // A delete carries the last value, the object's create revision and the deletion's revision.
            #expect(events[3].object == StoredObject(key: key("b"), value: bytes("b1"), createRevision: 2, modRevision: 4))
            #expect(events[2].object == StoredObject(key: key("a"), value: bytes("a2"), createRevision: 1, modRevision: 3))

            #expect(try await store.events(after: 1, limit: 2).map(\.revision) == [2, 3])
            #expect(try await store.events(after: 5, limit: 10).isEmpty)
            #expect(try await store.events(after: 2, limit: 0).isEmpty)
        }
    }

    @Test("compaction drops the history at or below its revision, and only that")
    func compaction() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(directory: directory, options: .fast)
            try await Self.seedHistory(store)
            try await store.compact(through: 3)

            await #expect(throws: StoreError(code: .compacted, message: "the state of services at revision 2 is gone: history is compacted through revision 3; list again at the latest revision")) {
                try await store.list(resource: "services", namespace: nil, atRevision: 2)
            }
            await #expect(throws: StoreError(code: .compacted, message: "events after revision 2 are gone: history is compacted through revision 3; list again at the latest revision")) {
                try await store.events(after: 2, limit: 10)
            }
            // Every revision from the compaction point on still lists correctly, also for keys last written before it.
            #expect(Self.names(try await store.list(resource: "services", namespace: nil, atRevision: 3)) == ["a=a2@1/3", "b=b1@2/2"])
            #expect(Self.names(try await store.list(resource: "services", namespace: nil, atRevision: 4)) == ["a=a2@1/3"])
            #expect(try await store.events(after: 3, limit: 10).map(\.revision) == [4, 5])
            #expect(try await store.currentRevision == 5)

            try await store.compact(through: 2)  // already compacted: nothing to do
            try await store.compact(through: 99)  // clamped to the current revision
            #expect(store.statistics.compactedThrough == 5)
            #expect(Self.names(try await store.list(resource: "services", namespace: nil, atRevision: 5)) == ["a=a2@1/3", "c=c1@5/5"])
            #expect(try await store.events(after: 5, limit: 10).isEmpty)
            await store.close()

            // The compaction point and the revision survive a restart; revisions continue after it.
            let reopened = try SQLiteStore(directory: directory, options: .fast)
            await #expect(throws: StoreError.self) { try await reopened.events(after: 4, limit: 10) }
            #expect(try await reopened.write(.create(key("d"), "d1")).revision == 6)
            #expect(try await reopened.events(after: 5, limit: 10).map(\.revision) == [6])
            await reopened.close()
        }
    }

    @Test("automatic compaction keeps historyRetention revisions of history")
    func automaticCompaction() async throws {
        try await withStore(SQLiteStore.Options(synchronous: false, historyRetention: 10)) { store in
            _ = try await store.write(.create(key("a"), "0"))
            for value in 1..<30 {
                _ = try await store.write(.update(key("a"), "\(value)"))
            }
            // Compaction runs once 11 revisions (retention + a tenth, at least 1) have piled up, back to 10. It runs on
            // the writer thread after the write was acknowledged, so wait for it.
            try await waitUntil("compaction through 20") { store.statistics.compactedThrough == 20 }
            #expect(store.statistics.lastCompactionError == nil)
            await #expect(throws: StoreError.self) { try await store.events(after: 19, limit: 100) }
            #expect(try await store.events(after: 20, limit: 100).map(\.revision) == Array(21...30))
            #expect(Self.names(try await store.list(resource: "services", namespace: nil, atRevision: 20)) == ["a=19@1/20"])
        }
    }
}
