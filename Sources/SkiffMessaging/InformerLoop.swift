import CZeroMQ
import Foundation
import Logging
import SkiffAPI
import SkiffJSON

/// What an informer's async side hands its socket thread.
enum InformerCommand<Object: APIObject>: Sendable {
    /// (Re)connect the watch socket to this endpoint and subscribe.
    case connect(String)
    /// A list, for the list request of `generation`.
    case listed(generation: UInt64, InformerList<Object>)
    case stop
}

/// The thread that owns an informer's SUB socket and runs its watch: subscribe → wait until the subscription is
/// live (the first message, usually the publisher's welcome bookmark) → ask for a list while buffering → apply
/// the list as a diff, then the buffered messages newer than it → live: check each message against the revision
/// chain and apply events to the cache in batches. A broken chain, a new epoch or an undecodable event send it
/// back to listing; a silent channel asks for a reconnect.
///
/// Everything here is confined to that thread. The cache is shared through `InformerState`, whose lock is taken
/// once per batch of messages, not per message.
final class InformerLoop<Object: APIObject> {
    private enum Phase { case idle, waiting, listing, live }

    private let state: InformerState<Object>
    private let mailbox: ZMQMailbox<InformerCommand<Object>>
    private let control: InformerControl
    private let options: InformerOptions
    private let prefix: WatchTopic
    /// The apiserver's CURVE public key, from the informer's connection (nil: plaintext).
    private let curveServerKey: String?
    private let logger: Logger
    private let decoder = JSONDecoder()

    private var socket: ZMQSocket?
    private var endpoint = ""
    private var phase = Phase.idle
    private var chain: WatchChain
    private var generation: UInt64 = 0
    private var buffer: [WatchMessage] = []
    /// Decoded events waiting to be applied as one batch.
    private var pending: [(type: WatchEventType, object: Object, revision: Int64)] = []
    /// Keys of objects that did not decode in the last list: their events are skipped without a relist, which
    /// could not help (the next list would leave them out again).
    private var undecodable: Set<String> = []
    private var epochChangedSinceList = false
    private var confirmedSinceList = false
    private var lastReceived = ContinuousClock.now
    private var silenceReported = false
    /// The publisher's bookmark interval, once a bookmark told it.
    private var advertisedInterval: Duration?
    private var stats = InformerStatistics()
    private var commands: [InformerCommand<Object>] = []
    private var isRunning = true

    init(state: InformerState<Object>, mailbox: ZMQMailbox<InformerCommand<Object>>, control: InformerControl,
         options: InformerOptions, prefix: WatchTopic, curveServerKey: String?, logger: Logger) {
        self.curveServerKey = curveServerKey
        self.state = state
        self.mailbox = mailbox
        self.control = control
        self.options = options
        self.prefix = prefix
        self.logger = logger
        chain = WatchChain(followsTopic: prefix.namespace != nil)
    }

    private var silenceTimeout: Duration {
        (advertisedInterval ?? options.bookmarkInterval) * max(options.silenceIntervals, 1)
    }

    func run() {
        while isRunning {
            var items = [zmq_pollitem_t(socket: nil, fd: mailbox.fd, events: Int16(ZMQ_POLLIN), revents: 0)]
            if let socket { items.append(zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)) }
            let deadline = socket != nil && !silenceReported ? lastReceived + silenceTimeout : nil
            do {
                _ = try ZMQPoll.poll(&items, milliseconds: ZMQPoll.timeout(until: deadline, now: .now))
            } catch {
                logger.error("informer for \(prefix): \(error.message)")
                break
            }
            if items[0].revents != 0 { takeCommands() }
            if items.count > 1, items[1].revents != 0, socket != nil { receiveMessages() }
            checkSilence()
            state.statistics.withLock { $0 = stats }
        }
        _ = mailbox.close()
        socket?.close()
        socket = nil
    }

    private func takeCommands() {
        mailbox.take(into: &commands)
        defer { commands.removeAll(keepingCapacity: true) }
        for command in commands {
            switch command {
            case .connect(let endpoint): connect(endpoint)
            case .listed(let generation, let list): applyList(generation, list)
            case .stop: isRunning = false
            }
        }
    }

    private func connect(_ endpoint: String) {
        socket?.close()
        socket = nil
        phase = .idle
        buffer = []
        pending = []
        do {
            let socket = try ZMQSocket(.sub)
            try socket.configureTransport(
                linger: .zero, highWaterMark: options.receiveHighWaterMark, reconnect: .milliseconds(100),
                reconnectMax: .seconds(1), heartbeat: options.heartbeatInterval, heartbeatTimeout: options.heartbeatTimeout)
            if let curveServerKey { try socket.configureCurveClient(serverKey: curveServerKey) }
            // The topic lets its messages through this socket's own filter; the authorization subscription asks the
            // apiserver to send them (docs/WATCH.md, "Authorization"). ZeroMQ resends both after every reconnect.
            try socket.setOption(ZMQ_SUBSCRIBE, bytes: Array(prefix.description.utf8))
            try socket.setOption(ZMQ_SUBSCRIBE, bytes: Array(WatchSubscription(token: options.token ?? "", topic: prefix).bytes))
            try socket.connect(endpoint)
            self.socket = socket
        } catch {
            logger.error("informer for \(prefix): cannot watch \(endpoint): \(error.message)")
            control.requestReconnect()
            return
        }
        self.endpoint = endpoint
        phase = .waiting
        lastReceived = .now
        silenceReported = false
        stats.connects += 1
        logger.debug("informer for \(prefix): watching \(endpoint)")
    }

    private func receiveMessages() {
        guard let socket else { return }
        // Bounded per turn so that commands (a list to apply) are not starved by a flood of events.
        var received = 0
        for _ in 0..<1024 {
            let frames: [Data]?
            do { frames = try socket.receive() } catch {
                logger.error("informer for \(prefix): receive failed: \(error.message); reconnecting")
                socket.close()
                self.socket = nil
                phase = .idle
                control.requestReconnect()
                break
            }
            guard let frames else { break }
            received += 1
            do {
                handle(try WatchWire.decode(frames))
            } catch {
                // Ignoring it is safe: if it was an event, the chain breaks at the next message on it.
                logger.warning("informer for \(prefix): ignoring a malformed watch message: \(error.message)")
            }
        }
        if received > 0 { lastReceived = .now }
        flush()
    }

    private func handle(_ message: WatchMessage) {
        switch phase {
        case .idle:
            return
        case .waiting:
            // The subscription is live: from here on, nothing published is missed (unless dropped, which the
            // chain shows), so a list taken now plus these messages is complete.
            adopt(message.epoch)
            phase = .listing
            buffer = [message]
            requestList(.connected)
        case .listing:
            if message.epoch != chain.epoch {
                adopt(message.epoch)
                buffer = [message]
                requestList(.epochChanged)
                return
            }
            if buffer.count >= options.maxBufferedMessages {
                logger.warning("informer for \(prefix): more than \(options.maxBufferedMessages) messages while listing; dropping them (another relist follows)")
                buffer.removeAll(keepingCapacity: true)
            }
            buffer.append(message)
        case .live:
            process(message)
        }
    }

    /// Live: judges one message by the chain and queues, skips, or starts a relist.
    private func process(_ message: WatchMessage) {
        switch chain.check(message) {
        case .apply:
            let object: Object
            do {
                object = try FastJSONDecoder.decode(Object.self, from: message.object)
            } catch {
                stats.undecodable += 1
                let key = (try? decoder.decode(InformerObjectKey.self, from: message.object))?.key
                if let key, undecodable.contains(key) { return }  // known: the list left it out too
                logger.error("informer for \(prefix): \(message.type.rawValue) of \(key ?? "?") at revision \(message.revision) does not decode as \(Object.resource.kind): \(error)")
                relist(.decodeError, keeping: nil)
                return
            }
            if !undecodable.isEmpty { undecodable.remove(ObjectCache<Object>.key(for: object)) }
            pending.append((message.type, object, message.revision))
        case .skip:
            stats.skipped += 1
        case .confirmed:
            stats.bookmarks += 1
            confirmedSinceList = true
            if let interval = WatchWire.bookmarkInterval(message.object) { advertisedInterval = interval }
        case .gap(let verified, let previous):
            logger.info("informer for \(prefix): lost messages (have revision \(verified), the stream continues from \(previous)); relisting")
            relist(.gap, keeping: message)
        case .epochChanged(let old, let new):
            logger.info("informer for \(prefix): the apiserver restarted (epoch \(String(old, radix: 16)) → \(String(new, radix: 16))); relisting")
            adopt(new)
            relist(.epochChanged, keeping: message)
        }
    }

    /// Applies what is pending, then goes back to listing, buffering from `message` on.
    private func relist(_ reason: InformerListReason, keeping message: WatchMessage?) {
        flush()
        phase = .listing
        buffer = message.map { [$0] } ?? []
        requestList(reason)
    }

    private func adopt(_ epoch: UInt64) {
        if let current = chain.epoch, current != epoch { epochChangedSinceList = true }
        chain.adopt(epoch: epoch)
    }

    private func requestList(_ reason: InformerListReason) {
        generation += 1
        switch reason {
        case .connected: break
        case .gap: stats.gaps += 1
        case .epochChanged: stats.epochChanges += 1
        case .decodeError: stats.decodeErrors += 1
        }
        // Back off only relists that follow each other while messages keep being lost.
        let healthy = reason == .connected || reason == .epochChanged || confirmedSinceList || stats.lists == 0
        control.requestList(.init(generation: generation, reason: reason, healthy: healthy))
    }

    private func applyList(_ generation: UInt64, _ list: InformerList<Object>) {
        guard phase == .listing, generation == self.generation else { return }  // superseded by a newer request
        let revision = list.revision
        var reset = false
        if revision < chain.verified {
            guard epochChangedSinceList else {
                logger.warning("informer for \(prefix): list at revision \(revision) is older than the cache (\(chain.verified)); listing again")
                requestList(.gap)
                return
            }
            logger.warning("informer for \(prefix): the apiserver's revisions went back (\(chain.verified) → \(revision)); replacing the cache by content")
            reset = true
        }
        state.update { cache in cache.replace(with: list.objects, revision: revision, reset: reset) }
        chain.listed(at: revision)
        undecodable = list.undecodable
        stats.undecodable += list.undecodable.count
        stats.lists += 1
        epochChangedSinceList = false
        confirmedSinceList = false
        phase = .live
        let buffered = buffer
        buffer = []
        for message in buffered {
            if phase == .live { process(message) } else { buffer.append(message) }
        }
        flush()
        if stats.lists == 1 {
            state.statistics.withLock { $0 = stats }
            state.markSynced()
        }
        logger.debug("informer for \(prefix): listed \(list.objects.count) objects at revision \(revision)")
    }

    /// Applies the pending events to the cache under one lock and notifies the listeners.
    private func flush() {
        if !pending.isEmpty {
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            stats.events += batch.count
            state.update { cache in batch.compactMap { cache.apply($0.type, $0.object, revision: $0.revision) } }
        }
        if phase == .live { state.verifiedRevision.store(chain.verified, ordering: .releasing) }
    }

    private func checkSilence() {
        guard socket != nil, !silenceReported, ContinuousClock.now - lastReceived >= silenceTimeout else { return }
        silenceReported = true
        stats.silences += 1
        logger.info("informer for \(prefix): no message from \(endpoint) for \(silenceTimeout); reconnecting")
        control.requestReconnect()
    }
}
