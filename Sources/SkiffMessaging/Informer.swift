import Foundation
import Logging
import SkiffAPI
import Synchronization

/// A lossless watch of one kind (in all namespaces, or one): a local indexed cache that converges to the
/// apiserver's state, and handlers told about every change. One informer serves every consumer of a kind in a
/// process (client-go's SharedInformer).
///
/// It subscribes to the watch socket first, lists through the request socket at revision R once the
/// subscription is live, applies the buffered and later events newer than R (the ZeroMQ Guide's Clone pattern),
/// and relists when it cannot prove it has everything: a gap in the revision chain, a new apiserver epoch (a
/// restart), a silent channel (no event and no bookmark for `silenceIntervals` bookmark intervals: reconnect
/// first), an event that does not decode. A relist is delivered as the difference between the cache and the new
/// list. While the apiserver is away the cache is kept and attempts back off (on the injected clock).
///
/// The contract for handlers and `events()`:
/// - Per object, changes arrive in revision order; no version older than one already delivered is delivered;
///   the final state of every object is delivered (possibly without intermediate ones after a relist).
/// - They are called after the cache reflects the change, so a handler that reads the cache sees at least it.
/// - A deletion carries the last version known.
/// - Each handler set and each `events()` stream has its own unbounded buffer: a slow consumer delays only
///   itself. Handlers should be quick (enqueue a key and return).
/// - Handlers added to a synced informer first get the cached objects as adds.
///
/// Call `run()` once (from a task that lives as long as the informer is needed; it returns when cancelled).
/// Reads (`list`, `get`, `byIndex`) may come from any thread at any time.
public final class Informer<Object: APIObject>: Sendable {
    /// nil: all namespaces (and always for cluster-scoped kinds).
    public let namespace: String?
    public let options: InformerOptions
    /// The subscription prefix: `services/` or `services/default/`.
    public let topic: WatchTopic
    let connection: Connection
    let clock: any Clock<Duration>
    let logger: Logger
    let state = InformerState<Object>()
    let control = InformerControl()
    let mailbox: ZMQMailbox<InformerCommand<Object>>
    private let jobs: AsyncStream<InformerHandlerJob<Object>>
    private let jobsContinuation: AsyncStream<InformerHandlerJob<Object>>.Continuation
    private let started = Atomic<Bool>(false)

    /// `connection` reaches the apiserver's request socket; the watch endpoint comes from its `discover` reply.
    public init(connection: Connection, namespace: String? = nil, options: InformerOptions = .init(),
                clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger = Logger(label: "skiff.messaging.informer")) throws(MessagingError) {
        let namespace = Object.resource.namespaced && !(namespace ?? "").isEmpty ? namespace : nil
        self.namespace = namespace
        self.options = options
        self.connection = connection
        self.clock = clock
        self.logger = logger
        topic = WatchTopic(resource: Object.resource.plural, namespace: namespace)
        mailbox = try ZMQMailbox()
        (jobs, jobsContinuation) = AsyncStream.makeStream()
    }

    /// Watches until the calling task is cancelled, running the handlers meanwhile. Throws only when called twice.
    public func run() async throws(MessagingError) {
        guard !started.exchange(true, ordering: .sequentiallyConsistent) else {
            throw MessagingError(.closed, "Informer for \(topic): run() was already called")
        }
        let (state, mailbox, control, options, topic, logger) = (state, mailbox, control, options, topic, logger)
        let curveServerKey = connection.options.curveServerKey
        let thread = Thread {
            InformerLoop(state: state, mailbox: mailbox, control: control, options: options, prefix: topic,
                         curveServerKey: curveServerKey, logger: logger).run()
        }
        thread.name = "skiff-zmq-sub"
        thread.start()
        await withDiscardingTaskGroup { group in
            group.addTask { await self.drive() }
            for await job in jobs {
                group.addTask { await job.drain() }
            }
        }
        jobsContinuation.finish()
        mailbox.post(.stop)
        control.finish()
        state.finish()
    }

    /// True once the first full list is in the cache (and stays true).
    public var hasSynced: Bool { state.isSynced }

    /// Waits until `hasSynced`; false if the informer stopped or the calling task was cancelled first.
    @discardableResult
    public func waitForSync() async -> Bool { await state.waitForSync() }

    /// The revision through which the cache is known to be complete; 0 before the first list.
    public var lastSyncRevision: Int64 { state.verifiedRevision.load(ordering: .acquiring) }

    public var statistics: InformerStatistics { state.statistics.withLock { $0 } }

    /// Every cached object, sorted by key.
    public func list() -> [Object] { state.read { $0.list() } }

    public func get(namespace: String = "", name: String) -> Object? {
        state.read { $0.get(namespace: namespace, name: name) }
    }

    public func byIndex(_ name: String, _ value: String) -> [Object] { state.read { $0.byIndex(name, value) } }

    /// The objects labelled `key=value`.
    public func byLabel(_ key: String, _ value: String) -> [Object] { byIndex(ObjectCache<Object>.labelIndex, "\(key)=\(value)") }

    /// Adds (or replaces) a named index, filing the objects already cached.
    public func addIndex(_ name: String, _ function: @escaping ObjectCache<Object>.IndexFunction) {
        state.addIndex(name, function)
    }

    /// Runs `body` on the cache as it is now (a value: it does not change under `body`). Keep it short: the
    /// informer's updates wait meanwhile.
    public func withCache<T>(_ body: (ObjectCache<Object>) -> T) -> T { state.read(body) }

    /// Adds handlers, called in order from a task of their own inside `run()`.
    public func addHandlers(onAdd: @escaping @Sendable (Object) async -> Void = { _ in },
                            onUpdate: @escaping @Sendable (_ old: Object, _ new: Object) async -> Void = { _, _ in },
                            onDelete: @escaping @Sendable (_ lastKnown: Object) async -> Void = { _ in }) {
        let (batches, continuation) = AsyncStream.makeStream(of: [InformerEvent<Object>].self)
        state.addListener(.batches(continuation))
        jobsContinuation.yield(InformerHandlerJob(batches: batches, onAdd: onAdd, onUpdate: onUpdate, onDelete: onDelete))
    }

    /// The changes as a stream (for `skiffctl get -w`): first the cached objects as adds, then every change.
    /// It ends when the informer stops; the consumer ending it unregisters it.
    public func events() -> AsyncStream<InformerEvent<Object>> {
        let (stream, continuation) = AsyncStream.makeStream(of: InformerEvent<Object>.self)
        let id = state.addListener(.events(continuation))
        continuation.onTermination = { [state] _ in state.removeListener(id) }
        return stream
    }
}

/// One set of handlers and the stream of event batches it drains.
struct InformerHandlerJob<Object: APIObject>: Sendable {
    let batches: AsyncStream<[InformerEvent<Object>]>
    let onAdd: @Sendable (Object) async -> Void
    let onUpdate: @Sendable (Object, Object) async -> Void
    let onDelete: @Sendable (Object) async -> Void

    func drain() async {
        for await batch in batches {
            for event in batch {
                switch event {
                case .added(let object): await onAdd(object)
                case .updated(let old, let new): await onUpdate(old, new)
                case .deleted(let object): await onDelete(object)
                }
            }
        }
    }
}
