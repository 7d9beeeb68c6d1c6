import Foundation
import Synchronization
import Testing
@testable import SkiffStore

@Suite("Group commit and concurrency")
struct ConcurrencyTests {
    @Test("writes queued behind a commit share the next one; a failing write among them costs no revision")
    func batching() async throws {
        try await withStore { store in
            let observed = ObservedEvents()
            store.setCommitObserver { observed.record($0) }
            _ = try await store.write(.create(key("existing"), "{}"))
            let gate = WriterGate()
            let results = Outcomes()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await store.write(gate.blockingCreate(key("blocker"))) }
                try await waitUntil("the writer to be held") { gate.isEntered }
                let writes: [(String, StoreWrite)] = (0..<8).map { ("w\($0)", .create(key("w\($0)"), "{}")) } + [
                    ("duplicate", .create(key("existing"), "{}")),
                    ("throws", .create(key("t")) { _ in throw Boom() }),
                    ("stale", .update(key("existing"), "{}", expected: 99)),
                ]
                for (name, write) in writes {
                    group.addTask {
                        let result: Result<Revision, StoreError>
                        do { result = .success(try await store.write(write).revision) } catch let error as StoreError {
                            result = .failure(error)
                        } catch {
                            result = .failure(StoreError(code: .io, message: "closure: \(error)"))
                        }
                        results.record(name, result)
                    }
                }
                try await waitUntil("11 queued writes") { store.queuedWrites == 11 }
                gate.open()
                try await group.waitForAll()
            }
            let outcome = results.all
            let revisions = outcome.values.compactMap { try? $0.get() }.sorted()
            #expect(revisions == Array(3...10), "the 8 good writes got consecutive revisions after the blocker's 2")
            #expect(failure(outcome["duplicate"])?.code == .alreadyExists)
            #expect(failure(outcome["stale"])?.code == .conflict)
            #expect(failure(outcome["throws"])?.message == "closure: Boom(reason: \"boom\")")
            #expect(store.statistics.commits == 3)
            #expect(store.statistics.largestBatch == 8)
            #expect(store.statistics.failedWrites == 3)
            try await waitUntil("the observer to see 10 events") { observed.events.count == 10 }
            #expect(observed.batches.map(\.count) == [1, 1, 8])
            #expect(observed.events.map(\.revision) == Array(1...10))
        }
    }

    @Test("64 concurrent writers: every write acknowledged once, every revision used once, all present after reopen")
    func manyWriters() async throws {
        let writers = 64, writesEach = 50, total = writers * writesEach
        try await withTemporaryDirectory { directory in
            let store = try SQLiteStore(directory: directory)
            let observed = ObservedEvents()
            store.setCommitObserver { observed.record($0) }
            let start = ContinuousClock.now
            let revisions = try await withThrowingTaskGroup(of: [Revision].self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        var revisions: [Revision] = []
                        for index in 0..<writesEach {
                            let name = "w\(writer)-\(index)"
                            let event = try await store.write(.create(key(name, namespace: "ns\(writer % 4)")) { revision in
                                bytes(#"{"name":"\#(name)","rv":\#(revision)}"#)
                            })
                            #expect(text(event.object.value) == #"{"name":"\#(name)","rv":\#(event.revision)}"#)
                            revisions.append(event.revision)
                        }
                        #expect(revisions == revisions.sorted(), "one writer's writes commit in its order")
                        return revisions
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let elapsed = ContinuousClock.now - start
            #expect(revisions.sorted() == Array(1...Revision(total)))
            let statistics = store.statistics
            #expect(statistics.writes == total)
            print("SkiffStore group commit (debug build, synchronous=FULL): \(writers) writers x \(writesEach) writes = \(total) in \(elapsed), \(rate(total, elapsed)) writes/s, \(statistics.commits) commits (fsyncs), \(total / max(statistics.commits, 1)) writes per commit on average, largest \(statistics.largestBatch)")

            try await waitUntil("the observer to see every event") { observed.events.count >= total }
            #expect(observed.events.map(\.revision) == Array(1...Revision(total)), "each event once, in revision order")
            await store.close()

            let reopened = try SQLiteStore(directory: directory, options: .fast)
            #expect(try await reopened.currentRevision == Revision(total))
            let list = try await reopened.list(resource: "services", namespace: nil, atRevision: nil)
            #expect(list.objects.count == total)
            #expect(Set(list.objects.map(\.modRevision)) == Set(1...Revision(total)))
            #expect(list.objects.allSatisfy { text($0.value)!.hasSuffix(#""rv":\#($0.modRevision)}"#) })
            await reopened.close()
        }
    }

    @Test("every list is one snapshot: its objects and its revision agree while writes commit")
    func listIsConsistentSnapshot() async throws {
        try await withStore { store in
            let writes = 300
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for index in 0..<writes {
                        _ = try await store.write(.create(key("s\(index)"), "{}"))
                    }
                }
                group.addTask {
                    var lists = 0
                    while true {
                        // Revision N means exactly the N objects written at 1...N.
                        let list = try await store.list(resource: "services", namespace: nil, atRevision: nil)
                        #expect(list.objects.count == Int(list.revision))
                        #expect(list.objects.map(\.modRevision).max() ?? 0 == list.revision)
                        lists += 1
                        if list.revision == Revision(writes) { break }
                    }
                    #expect(lists > 0)
                }
                try await group.waitForAll()
            }
        }
    }

    @Test("reads run while the writer is held inside a transaction")
    func readsDoNotWaitForTheWriter() async throws {
        try await withStore { store in
            _ = try await store.write(.create(key("a"), "a1"))
            let gate = WriterGate()
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await store.write(gate.blockingCreate(key("blocker"))) }
                try await waitUntil("the writer to be held") { gate.isEntered }
                // The writer holds an open write transaction; readers see the last commit.
                #expect(try await store.get(key("a"))?.value == bytes("a1"))
                #expect(try await store.list(resource: "services", namespace: nil, atRevision: nil).revision == 1)
                #expect(try await store.events(after: 0, limit: 10).count == 1)
                gate.open()
                try await group.waitForAll()
            }
            #expect(try await store.get(key("blocker")) != nil)
        }
    }

    final class Outcomes: Sendable {
        private let results = Mutex<[String: Result<Revision, StoreError>]>([:])
        func record(_ name: String, _ result: Result<Revision, StoreError>) { results.withLock { $0[name] = result } }
        var all: [String: Result<Revision, StoreError>] { results.withLock { $0 } }
    }

    private func failure(_ result: Result<Revision, StoreError>?) -> StoreError? {
        guard case .failure(let error) = result else { return nil }
        return error
    }

    private func rate(_ count: Int, _ elapsed: Duration) -> Int {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Int(Double(count) / max(seconds, 1e-9))
    }
}
