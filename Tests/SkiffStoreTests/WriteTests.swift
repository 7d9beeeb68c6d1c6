import Foundation
import Testing
@testable import SkiffStore

@Suite("Writes")
struct WriteTests {
    @Test("create, get, update and delete an object")
    func lifecycle() async throws {
        try await withStore { store in
            #expect(try await store.currentRevision == 0)
            #expect(try await store.get(key("ent")) == nil)

            let created = try await store.write(.create(key("ent")) { revision in bytes(#"{"rv":\#(revision)}"#) })
            #expect(created.type == .added)
            #expect(created.revision == 1)
            #expect(created.object == StoredObject(key: key("ent"), value: bytes(#"{"rv":1}"#), createRevision: 1, modRevision: 1))
            #expect(try await store.get(key("ent")) == created.object)

            let updated = try await store.write(.update(key("ent"), #"{"v":2}"#))
            #expect(updated.type == .modified)
            #expect(updated.object == StoredObject(key: key("ent"), value: bytes(#"{"v":2}"#), createRevision: 1, modRevision: 2))
            #expect(try await store.get(key("ent")) == updated.object)

            let deleted = try await store.write(.delete(key("ent"), expectedRevision: 2))
            #expect(deleted.type == .deleted)
            #expect(deleted.revision == 3)
            #expect(deleted.object == StoredObject(key: key("ent"), value: bytes(#"{"v":2}"#), createRevision: 1, modRevision: 3))
            #expect(try await store.get(key("ent")) == nil)
            #expect(try await store.currentRevision == 3)
        }
    }

    @Test("a failed precondition names the key and revisions, and consumes no revision")
    func preconditions() async throws {
        try await withStore { store in
            _ = try await store.write(.create(key("ent"), "{}"))
            _ = try await store.write(.update(key("ent"), #"{"v":2}"#))

            await #expect(throws: StoreError(code: .alreadyExists, message: "services/default/ent already exists (created at revision 1)")) {
                try await store.write(.create(key("ent"), "{}"))
            }
            await #expect(throws: StoreError(code: .notFound, message: "services/default/gone not found")) {
                try await store.write(.update(key("gone"), "{}"))
            }
            await #expect(throws: StoreError(code: .notFound, message: "namespaces/gone not found")) {
                try await store.write(.delete(StoreKey(resource: "namespaces", namespace: "", name: "gone"), expectedRevision: nil))
            }
            await #expect(throws: StoreError(code: .conflict, message: "services/default/ent: expected revision 1, current 2")) {
                try await store.write(.update(key("ent"), "{}", expected: 1))
            }
            await #expect(throws: StoreError(code: .conflict, message: "services/default/ent: expected revision 1, current 2")) {
                try await store.write(.delete(key("ent"), expectedRevision: 1))
            }
            #expect(try await store.currentRevision == 2)
            #expect(try await store.get(key("ent"))?.value == bytes(#"{"v":2}"#))
            // The right expected revision succeeds, and gets the next revision: none was used by the failures.
            #expect(try await store.write(.update(key("ent"), #"{"v":3}"#, expected: 2)).revision == 3)
        }
    }

    @Test("update's closure receives the current object and the revision it will get")
    func readModifyWrite() async throws {
        try await withStore { store in
            _ = try await store.write(.create(key("ent"), "1"))
            _ = try await store.write(.create(key("other"), "x"))
            let event = try await store.write(.update(key("ent"), expectedRevision: nil) { current, revision in
                let count = Int(text(current.value) ?? "") ?? -1
                return bytes("\(count + 1)@\(current.createRevision)/\(current.modRevision)->\(revision)")
            })
            #expect(text(event.object.value) == "2@1/1->3")
            #expect(event.revision == 3)
        }
    }

    @Test("a throwing closure fails only its own write, with its own error, and consumes no revision")
    func throwingClosure() async throws {
        try await withStore { store in
            _ = try await store.write(.create(key("a"), "{}"))
            await #expect(throws: Boom(reason: "create")) {
                try await store.write(.create(key("b")) { _ in throw Boom(reason: "create") })
            }
            await #expect(throws: Boom(reason: "update")) {
                try await store.write(.update(key("a"), expectedRevision: 1) { _, _ in throw Boom(reason: "update") })
            }
            #expect(try await store.get(key("b")) == nil)
            #expect(try await store.get(key("a"))?.modRevision == 1)
            #expect(try await store.write(.create(key("c"), "{}")).revision == 2)
            #expect(try await store.events(after: 0, limit: 10).map(\.revision) == [1, 2])
        }
    }

    @Test("writeAll commits with consecutive revisions, stamped by each closure")
    func writeAllCommits() async throws {
        try await withStore { store in
            _ = try await store.write(.create(key("ent"), "{}"))
            let events = try await store.writeAll([
                .create(key("a")) { revision in bytes("\(revision)") },
                .update(key("ent"), expectedRevision: 1) { _, revision in bytes("\(revision)") },
                .update(key("a"), expectedRevision: 2) { current, revision in bytes(text(current.value)! + ",\(revision)") },
                .delete(key("ent"), expectedRevision: 3),
            ])
            #expect(events.map(\.revision) == [2, 3, 4, 5])
            #expect(events.map(\.type) == [.added, .modified, .modified, .deleted])
            #expect(try await store.get(key("a"))?.value == bytes("2,4"))
            #expect(try await store.get(key("ent")) == nil)
            #expect(try await store.writeAll([]) == [])
        }
    }

    /// A write that makes a `writeAll` group fail, and the error the group must fail with.
    struct FailingWrite: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let write: StoreWrite
        let error: any Error
    }

    @Test("writeAll is atomic: one failing write and none is applied", arguments: [
        FailingWrite(testDescription: "a precondition", write: .update(key("missing"), "{}"),
                     error: StoreError(code: .notFound, message: "services/default/missing not found")),
        FailingWrite(testDescription: "a throwing closure", write: .create(key("z")) { _ in throw Boom() }, error: Boom()),
        FailingWrite(testDescription: "a duplicate in the group", write: .create(key("a"), "{}"),
                     error: StoreError(code: .alreadyExists, message: "services/default/a already exists (created at revision 2)")),
    ])
    func writeAllIsAtomic(_ failing: FailingWrite) async throws {
        try await withStore { store in
            _ = try await store.write(.create(key("ent"), "{}"))
            do {
                _ = try await store.writeAll([.create(key("a"), "{}"), .update(key("ent"), "changed"), failing.write, .create(key("b"), "{}")])
                Issue.record("writeAll with \(failing.testDescription) succeeded")
            } catch {
                #expect(String(describing: error) == String(describing: failing.error))
            }
            #expect(try await store.currentRevision == 1)
            #expect(try await store.get(key("a")) == nil)
            #expect(try await store.get(key("b")) == nil)
            #expect(try await store.get(key("ent"))?.value == bytes("{}"))
            #expect(try await store.write(.create(key("c"), "{}")).revision == 2)
        }
    }
}
