import Dispatch
import Foundation
import Synchronization
import Testing
@testable import SkiffStore

extension SQLiteStore.Options {
    /// For tests that do not test durability: no fsync per commit.
    static let fast = SQLiteStore.Options(synchronous: false)
}

/// A fresh directory under the system temp dir, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-store-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// A store in a fresh directory, closed (and removed) afterwards.
func withStore(_ options: SQLiteStore.Options = .fast, _ body: (SQLiteStore) async throws -> Void) async throws {
    try await withTemporaryDirectory { directory in
        let store = try SQLiteStore(directory: directory, options: options)
        do {
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

func key(_ name: String, namespace: String = "default", resource: String = "services") -> StoreKey {
    StoreKey(resource: resource, namespace: namespace, name: name)
}

func bytes(_ text: String) -> Data { Data(text.utf8) }

func text(_ data: Data?) -> String? { data.map { String(decoding: $0, as: UTF8.self) } }

extension StoreWrite {
    static func create(_ key: StoreKey, _ value: String) -> StoreWrite {
        .create(key) { _ in bytes(value) }
    }

    static func update(_ key: StoreKey, _ value: String, expected: Revision? = nil) -> StoreWrite {
        .update(key, expectedRevision: expected) { _, _ in bytes(value) }
    }
}

struct Boom: Error, Equatable {
    var reason = "boom"
}

/// Polls `condition` until it holds; fails the test after `timeout`.
func waitUntil(_ what: String, timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting for \(what)")
            throw Boom(reason: "timeout: \(what)")
        }
        try await Task.sleep(for: .milliseconds(2))
    }
}

/// Holds the writer thread inside a write's closure, so the test can line up the next batch behind it.
final class WriterGate: Sendable {
    private let entered = Mutex(false)
    private let semaphore = DispatchSemaphore(value: 0)

    /// A create whose closure blocks the writer until `open()`.
    func blockingCreate(_ key: StoreKey) -> StoreWrite {
        .create(key) { _ in
            self.entered.withLock { $0 = true }
            self.semaphore.wait()
            return bytes("{}")
        }
    }

    var isEntered: Bool { entered.withLock { $0 } }

    func open() { semaphore.signal() }
}

/// Collects what the commit observer is given.
final class ObservedEvents: Sendable {
    private let calls = Mutex<[[StoreEvent]]>([])

    func record(_ events: [StoreEvent]) { calls.withLock { $0.append(events) } }

    var batches: [[StoreEvent]] { calls.withLock { $0 } }
    var events: [StoreEvent] { batches.flatMap { $0 } }
}
