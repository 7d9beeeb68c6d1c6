import SkiffAPI
import Synchronization

/// What an informer's socket thread shares with everybody else: the cache and the listeners under one lock, the
/// sync flag, the verified revision and the counters.
///
/// Only the socket thread changes the cache (`update`), and it notifies listeners after the change, outside the
/// lock, in the order of its updates. A listener added later first gets the cache's objects as adds, under the
/// same lock, so it sees every object exactly once and then every change after it.
final class InformerState<Object: APIObject>: Sendable {
    /// One consumer of events, with its own unbounded buffer (the stream's), so a slow one holds up nobody.
    struct Listener: Sendable {
        enum Sink: Sendable {
            case batches(AsyncStream<[InformerEvent<Object>]>.Continuation)
            case events(AsyncStream<InformerEvent<Object>>.Continuation)
        }

        let id: Int
        let sink: Sink

        func deliver(_ events: [InformerEvent<Object>]) {
            switch sink {
            case .batches(let continuation): continuation.yield(events)
            case .events(let continuation): for event in events { continuation.yield(event) }
            }
        }

        func finish() {
            switch sink {
            case .batches(let continuation): continuation.finish()
            case .events(let continuation): continuation.finish()
            }
        }
    }

    private struct Shared {
        var cache = ObjectCache<Object>()
        var listeners: [Listener] = []
        var nextListener = 0
        var isFinished = false
    }

    private struct SyncGate {
        var isSynced = false
        var isFinished = false
        var waiters: [Int: CheckedContinuation<Bool, Never>] = [:]
        var cancelled: Set<Int> = []
        var nextWaiter = 0
    }

    private let shared = Mutex(Shared())
    private let gate = Mutex(SyncGate())
    let statistics = Mutex(InformerStatistics())
    /// The revision through which the cache is known to be complete (a list's, then events' and bookmarks').
    let verifiedRevision = Atomic<Int64>(0)

    var isSynced: Bool { gate.withLock { $0.isSynced } }

    func read<T>(_ body: (ObjectCache<Object>) -> T) -> T {
        shared.withLock { body($0.cache) }
    }

    func addIndex(_ name: String, _ function: @escaping ObjectCache<Object>.IndexFunction) {
        shared.withLock { $0.cache.addIndex(name, function) }
    }

    /// Socket thread only: changes the cache, then hands the events it returns to every listener.
    func update(_ body: (inout ObjectCache<Object>) -> [InformerEvent<Object>]) {
        let (events, listeners) = shared.withLock { shared in (body(&shared.cache), shared.listeners) }
        guard !events.isEmpty else { return }
        for listener in listeners { listener.deliver(events) }
    }

    /// Adds a listener; it gets the objects cached now as adds first. A listener added after `finish()` is
    /// finished at once.
    @discardableResult
    func addListener(_ sink: Listener.Sink) -> Int {
        shared.withLock { shared in
            shared.nextListener += 1
            let listener = Listener(id: shared.nextListener, sink: sink)
            if shared.isFinished {
                listener.finish()
            } else {
                let objects = shared.cache.list()
                if !objects.isEmpty { listener.deliver(objects.map { .added($0) }) }
                shared.listeners.append(listener)
            }
            return listener.id
        }
    }

    func removeListener(_ id: Int) {
        shared.withLock { $0.listeners.removeAll { $0.id == id } }
    }

    /// Ends every listener's stream and every wait for sync (the informer stopped).
    func finish() {
        let listeners = shared.withLock { shared in
            shared.isFinished = true
            defer { shared.listeners = [] }
            return shared.listeners
        }
        for listener in listeners { listener.finish() }
        let waiters = gate.withLock { gate in
            gate.isFinished = true
            defer { gate.waiters = [:] }
            return gate.waiters.values
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }

    func markSynced() {
        let waiters = gate.withLock { gate in
            gate.isSynced = true
            defer { gate.waiters = [:] }
            return gate.waiters.values
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// True once synced; false if the informer stopped or the calling task was cancelled first.
    func waitForSync() async -> Bool {
        let id = gate.withLock { gate in
            gate.nextWaiter += 1
            return gate.nextWaiter
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let answer: Bool? = gate.withLock { gate in
                    if gate.isSynced { return true }
                    if gate.isFinished || gate.cancelled.remove(id) != nil { return false }
                    gate.waiters[id] = continuation
                    return nil
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let waiter = gate.withLock { gate -> CheckedContinuation<Bool, Never>? in
                if let waiter = gate.waiters.removeValue(forKey: id) { return waiter }
                // Not registered yet (it will see this), or already answered (nothing to do).
                if !gate.isSynced && !gate.isFinished { gate.cancelled.insert(id) }
                return nil
            }
            waiter?.resume(returning: false)
        }
    }
}
