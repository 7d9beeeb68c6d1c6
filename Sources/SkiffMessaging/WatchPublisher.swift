import CZeroMQ
import Foundation
import Logging
import Synchronization

/// The server side of the watch socket: one XPUB socket, owned by one background thread, that publishes every
/// committed change in commit order (see `WatchWire` for the frames and docs/WATCH.md for the protocol).
///
/// `publish` never blocks: it appends to a mailbox and wakes the thread, so it may be called from the store's
/// writer thread. The thread keeps, per kind and per kind+namespace, the last revision it published ("heads",
/// starting at the `baseline` given to `run`), stamps them into each event as the previous revisions, sends
/// BOOKMARKs on every subscribed prefix that was idle for `bookmarkInterval`, and answers each new subscription
/// with a bookmark at once, so a subscriber knows its subscription is live before it lists.
public final class WatchPublisher: Sendable {
    /// One committed change, as the store reported it.
    public struct Change: Sendable, Equatable {
        /// ADDED, MODIFIED or DELETED.
        public var type: WatchEventType
        /// The plural, e.g. `services`.
        public var resource: String
        /// "" for cluster-scoped kinds.
        public var namespace: String
        public var revision: Int64
        /// The object's JSON; for a deletion, its last stored version.
        public var object: Data

        public init(type: WatchEventType, resource: String, namespace: String, revision: Int64, object: Data) {
            self.type = type
            self.resource = resource
            self.namespace = namespace
            self.revision = revision
            self.object = object
        }
    }

    public let endpoint: String
    /// The endpoint actually bound (a tcp port 0 resolved): the one to tell clients.
    public let boundEndpoint: String
    /// Random per publisher; in every message, so that subscribers notice a restart.
    public let epoch: UInt64
    public let options: WatchPublisherOptions
    private let authorizer: WatchAuthorizer?
    private let logger: Logger
    private let mailbox: ZMQMailbox<WatchPublisherCommand>
    private let counters = WatchPublisherCounters()
    /// The socket, until `run()` hands it to the thread that owns it from then on.
    private let unstarted: Mutex<ZMQSocket?>

    /// Binds at once, so a busy or invalid address fails here.
    ///
    /// With an `authorizer`, a subscriber receives a topic only after an authorization subscription
    /// (`WatchSubscription`) whose token the authorizer accepts for it: the socket runs in manual mode and the
    /// publisher subscribes each connection itself. Without one, every subscription is served as it comes.
    public init(endpoint: String, options: WatchPublisherOptions = .init(), authorizer: WatchAuthorizer? = nil,
                logger: Logger = Logger(label: "skiff.messaging.watch")) throws(MessagingError) {
        let socket = try ZMQSocket(.xpub)
        try socket.configureTransport(
            linger: options.linger, highWaterMark: options.sendHighWaterMark, reconnect: .milliseconds(100),
            reconnectMax: .seconds(2), heartbeat: options.heartbeatInterval, heartbeatTimeout: options.heartbeatTimeout)
        // Every subscribe and unsubscribe reaches the thread, also duplicates: it counts subscribers per prefix
        // and welcomes each new one with a bookmark.
        try socket.setOption(ZMQ_XPUB_VERBOSER, 1)
        if authorizer != nil { try socket.setOption(ZMQ_XPUB_MANUAL, 1) }
        if let curve = options.curve { try socket.configureCurveServer(curve) }
        try ZMQEndpoint.checkIPCNotInUse(endpoint)
        try socket.bind(endpoint)
        self.endpoint = endpoint
        boundEndpoint = try socket.lastEndpoint
        self.options = options
        self.authorizer = authorizer
        self.logger = logger
        var generator = SystemRandomNumberGenerator()
        epoch = generator.next()
        mailbox = try ZMQMailbox()
        unstarted = Mutex(socket)
    }

    /// Queues committed changes, in revision order, for publishing. Never blocks; ignored after shutdown.
    public func publish(_ changes: [Change]) {
        guard !changes.isEmpty else { return }
        mailbox.post(.changes(changes))
    }

    /// Publishes until `shutdown()` (or cancellation), then sends what was queued before it and closes the socket.
    /// `baseline` is the store's revision before the first change this publisher will see: every chain starts
    /// there, so a client that listed at an older revision notices that it may have missed something.
    public func run(baseline: Int64) async throws(MessagingError) {
        guard let socket = unstarted.withLock({ $0.take() }) else {
            throw MessagingError(.closed, "WatchPublisher on \(boundEndpoint): run() was already called")
        }
        let (mailbox, counters, options, logger, epoch, endpoint) = (mailbox, counters, options, logger, epoch, boundEndpoint)
        let authorizer = authorizer
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, MessagingError>, Never>) in
                // The socket moves to this thread now and is used by nothing else from here on.
                let thread = Thread {
                    let loop = WatchPublisherLoop(socket: socket, mailbox: mailbox, counters: counters, options: options,
                                                  authorizer: authorizer, epoch: epoch, baseline: baseline,
                                                  endpoint: endpoint, logger: logger)
                    continuation.resume(returning: loop.run())
                }
                thread.name = "skiff-zmq-xpub"
                thread.start()
            }
        } onCancel: {
            self.shutdown()
        }
        try result.get()
    }

    /// Stops after publishing everything queued so far; `run()` returns then. Idempotent.
    public func shutdown() {
        mailbox.post(.stop)
    }

    public var statistics: WatchPublisherStatistics {
        WatchPublisherStatistics(
            events: counters.events.load(ordering: .relaxed), bookmarks: counters.bookmarks.load(ordering: .relaxed),
            subscriptions: counters.subscriptions.load(ordering: .relaxed), denied: counters.denied.load(ordering: .relaxed))
    }
}

enum WatchPublisherCommand: Sendable {
    case changes([WatchPublisher.Change])
    case stop
}

final class WatchPublisherCounters: Sendable {
    let events = Atomic<Int>(0)
    let bookmarks = Atomic<Int>(0)
    let subscriptions = Atomic<Int>(0)
    let denied = Atomic<Int>(0)
}
