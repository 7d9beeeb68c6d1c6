import CZeroMQ
import Foundation
import Logging

/// The thread that owns a `WatchPublisher`'s XPUB socket. Each turn: poll (socket, mailbox) until the next
/// bookmark tick or pending welcome → publish the queued changes → read (un)subscriptions → send due bookmarks.
///
/// Everything here is confined to that thread; other threads reach it only through the mailbox.
final class WatchPublisherLoop {
    /// The last event published on one kind+namespace topic.
    private struct TopicHead {
        var revision: Int64
        var lastEvent: ContinuousClock.Instant
        let frame: Data
    }

    /// Heads of one kind: the kind-wide one and one per namespace that had an event since the start.
    private struct KindHeads {
        var revision: Int64
        var lastEvent: ContinuousClock.Instant?
        var namespaces: [String: TopicHead] = [:]
    }

    /// A prefix subscribers hold, with how many hold it.
    private struct Subscription {
        /// nil for a prefix that is not a watch topic (e.g. "" for everything): counted, but gets no bookmarks.
        let topic: WatchTopic?
        let frame: Data
        var count = 0
        var lastBookmark: ContinuousClock.Instant?
        var welcomePending = false
    }

    /// Welcome bookmarks on one prefix are sent at most this often, so that many subscribers (re)joining at
    /// once (after an apiserver restart) cost one bookmark per prefix per spacing, not one per pair of them.
    static let welcomeSpacing: Duration = .milliseconds(10)

    private let socket: ZMQSocket
    private let mailbox: ZMQMailbox<WatchPublisherCommand>
    private let counters: WatchPublisherCounters
    private let options: WatchPublisherOptions
    private let authorizer: WatchAuthorizer?
    private let baseline: Int64
    private let epochFrame: Data
    private let bookmarkBody: Data
    private let tickInterval: Duration
    private let endpoint: String
    private let logger: Logger

    private var kinds: [String: KindHeads] = [:]
    /// The last revision published (the baseline before the first): what a bookmark says is current.
    private var current: Int64
    private var subscriptions: [Data: Subscription] = [:]
    /// With an authorizer: authorization subscriptions granted and not yet withdrawn, by their bytes (the same
    /// token and topic from several connections count once each).
    private var grants: [Data: Int] = [:]
    private var commands: [WatchPublisherCommand] = []
    private var isRunning = true

    init(socket: ZMQSocket, mailbox: ZMQMailbox<WatchPublisherCommand>, counters: WatchPublisherCounters,
         options: WatchPublisherOptions, authorizer: WatchAuthorizer?, epoch: UInt64, baseline: Int64, endpoint: String,
         logger: Logger) {
        self.socket = socket
        self.authorizer = authorizer
        self.mailbox = mailbox
        self.counters = counters
        self.options = options
        self.baseline = baseline
        current = baseline
        epochFrame = WatchWire.epochFrame(epoch)
        bookmarkBody = WatchWire.bookmarkBody(interval: options.bookmarkInterval)
        tickInterval = max(options.bookmarkInterval / 4, .milliseconds(1))
        self.endpoint = endpoint
        self.logger = logger
    }

    func run() -> Result<Void, MessagingError> {
        var items = [
            zmq_pollitem_t(socket: socket.handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0),
            zmq_pollitem_t(socket: nil, fd: mailbox.fd, events: Int16(ZMQ_POLLIN), revents: 0),
        ]
        logger.info("watch publisher on \(endpoint): epoch \(String(decoding: epochFrame, as: UTF8.self)), baseline revision \(baseline)")
        var result = Result<Void, MessagingError>.success(())
        var nextTick = ContinuousClock.now + tickInterval
        do {
            while isRunning {
                let wakeUp = min(nextTick, nextWelcome() ?? nextTick)
                _ = try ZMQPoll.poll(&items, milliseconds: ZMQPoll.timeout(until: wakeUp, now: .now))
                if items[0].revents != 0 || manual { try readSubscriptions() }
                if items[1].revents != 0 {
                    try takeCommands()
                    if manual { try readSubscriptions() }
                }
                let now = ContinuousClock.now
                if now >= nextTick {
                    try sendIdleBookmarks(now: now)
                    nextTick = now + tickInterval
                }
                try sendWelcomes(now: now)
                if manual { try readSubscriptions() }
            }
            // Changes posted between the last take and the close are published too.
            for case .changes(let changes) in mailbox.close() { try publish(changes) }
        } catch {
            logger.error("watch publisher on \(endpoint) failed: \(error.message)")
            _ = mailbox.close()
            result = .failure(error)
        }
        socket.close()
        return result
    }

    private func takeCommands() throws(MessagingError) {
        mailbox.take(into: &commands)
        defer { commands.removeAll(keepingCapacity: true) }
        for command in commands {
            switch command {
            case .changes(let changes): try publish(changes)
            case .stop: isRunning = false
            }
        }
    }

    /// Sends each change with the heads before it, then moves the heads to it.
    private func publish(_ changes: [WatchPublisher.Change]) throws(MessagingError) {
        let now = ContinuousClock.now
        var published = 0
        for change in changes where change.revision > current {
            var kind = kinds.removeValue(forKey: change.resource) ?? KindHeads(revision: baseline)
            let topic = kind.namespaces[change.namespace]
            let frame = topic?.frame ?? WatchTopic(resource: change.resource, namespace: change.namespace).bytes
            let frames = WatchWire.encode(
                topic: frame, type: change.type, revision: change.revision, previousOnKind: kind.revision,
                previousOnTopic: topic?.revision ?? baseline, epoch: epochFrame, object: change.object)
            kind.revision = change.revision
            kind.lastEvent = now
            kind.namespaces[change.namespace] = TopicHead(revision: change.revision, lastEvent: now, frame: frame)
            kinds[change.resource] = kind
            current = change.revision
            _ = try socket.send(frames)  // an XPUB never blocks: at a subscriber's high-water mark it drops for it
            published += 1
        }
        counters.events.add(published, ordering: .relaxed)
    }

    /// In manual mode every libzmq call that may process its commands (poll, send) is followed by a full read:
    /// libzmq 4.3.4 keeps a bare pointer to the connection of each subscription message it queued, and a
    /// connection can only be torn down while processing commands. Reading what was queued before the next such
    /// call keeps `ZMQ_SUBSCRIBE` from being applied to a connection that is gone (docs/SECURITY.md, Limits).
    private var manual: Bool { authorizer != nil }

    private func readSubscriptions() throws(MessagingError) {
        for _ in 0..<(manual ? Int.max : 4096) {
            guard let frames = try socket.receive() else { return }
            guard frames.count == 1, let flag = frames[0].first, flag <= 1 else { continue }
            let prefix = Data(frames[0].dropFirst())
            if authorizer != nil {
                // Manual mode: nothing is subscribed unless done here, on the connection that sent this message
                // (libzmq applies ZMQ_SUBSCRIBE to the sender of the message received last).
                try authorize(prefix, subscribe: flag == 1)
            } else if WatchSubscription.isAuthorization(prefix) {
                // Without authorization, libzmq applied it as a prefix no message has: not a topic to bookmark
                // (a bookmark on it would name heads of a kind that does not exist and confirm nothing).
                continue
            } else if flag == 1 {
                added(prefix)
            } else {
                removed(prefix)
            }
        }
    }

    /// An (un)subscription on a publisher with an authorizer. Plain topics are ignored (they only open the
    /// subscriber's own filter); an authorization subscription whose token may read its topic subscribes the
    /// sender to the topic. An unsubscription withdraws a grant: when its connection closed, libzmq has already
    /// removed the connection's subscriptions (and the unsubscribe below applies to no connection).
    private func authorize(_ prefix: Data, subscribe: Bool) throws(MessagingError) {
        guard let authorizer, WatchSubscription.isAuthorization(prefix) else { return }
        guard let request = WatchSubscription(prefix) else {
            logger.debug("watch: ignoring a malformed authorization subscription")
            return
        }
        let topic = request.topic.bytes
        if subscribe {
            guard authorizer(request.token, request.topic) else {
                counters.denied.add(1, ordering: .relaxed)
                return
            }
            try socket.setOption(ZMQ_SUBSCRIBE, bytes: Array(topic))
            grants[prefix, default: 0] += 1
            added(topic)
        } else if let granted = grants[prefix] {
            try socket.setOption(ZMQ_UNSUBSCRIBE, bytes: Array(topic))
            grants[prefix] = granted > 1 ? granted - 1 : nil
            removed(topic)
        }
    }

    private func added(_ prefix: Data) {
        subscriptions[prefix, default: Subscription(topic: WatchTopic(prefix), frame: prefix)].count += 1
        subscriptions[prefix]?.welcomePending = true
        counters.subscriptions.add(1, ordering: .relaxed)
        logger.debug("watch: subscribe \(Wire.describe(prefix)) (\(subscriptions[prefix]?.count ?? 0) subscribers)")
    }

    private func removed(_ prefix: Data) {
        guard var subscription = subscriptions[prefix] else { return }
        subscription.count -= 1
        subscriptions[prefix] = subscription.count > 0 ? subscription : nil
        counters.subscriptions.subtract(1, ordering: .relaxed)
        logger.debug("watch: unsubscribe \(Wire.describe(prefix)) (\(subscription.count) subscribers left)")
    }

    /// A bookmark on every subscribed prefix that carried no message for a bookmark interval.
    private func sendIdleBookmarks(now: ContinuousClock.Instant) throws(MessagingError) {
        for (prefix, subscription) in subscriptions {
            guard let topic = subscription.topic else { continue }
            let kind = kinds[topic.resource]
            let lastEvent = topic.namespace.map { kind?.namespaces[$0]?.lastEvent } ?? kind?.lastEvent
            let lastMessage = [lastEvent, subscription.lastBookmark].compactMap { $0 }.max()
            if let lastMessage, now - lastMessage < options.bookmarkInterval { continue }
            try sendBookmark(prefix, now: now)
        }
    }

    private func nextWelcome() -> ContinuousClock.Instant? {
        subscriptions.values.lazy.filter(\.welcomePending).map { ($0.lastBookmark ?? .now) + Self.welcomeSpacing }.min()
    }

    private func sendWelcomes(now: ContinuousClock.Instant) throws(MessagingError) {
        for (prefix, subscription) in subscriptions where subscription.welcomePending {
            if let last = subscription.lastBookmark, now - last < Self.welcomeSpacing { continue }
            try sendBookmark(prefix, now: now)
        }
    }

    /// BOOKMARK on the prefix: the current revision, and the heads of its kind and of its topic.
    private func sendBookmark(_ prefix: Data, now: ContinuousClock.Instant) throws(MessagingError) {
        guard var subscription = subscriptions[prefix], let topic = subscription.topic else { return }
        let kind = kinds[topic.resource]
        let kindHead = kind?.revision ?? baseline
        let topicHead = topic.namespace.map { kind?.namespaces[$0]?.revision ?? baseline } ?? kindHead
        let frames = WatchWire.encode(
            topic: subscription.frame, type: .bookmark, revision: current, previousOnKind: kindHead,
            previousOnTopic: topicHead, epoch: epochFrame, object: bookmarkBody)
        _ = try socket.send(frames)
        subscription.lastBookmark = now
        subscription.welcomePending = false
        subscriptions[prefix] = subscription
        counters.bookmarks.add(1, ordering: .relaxed)
    }
}
