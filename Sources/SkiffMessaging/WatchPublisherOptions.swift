/// Tuning for a `WatchPublisher`. The defaults suit an apiserver with tens of watchers on one host.
public struct WatchPublisherOptions: Sendable {
    /// A subscribed prefix that carried no message for this long gets a BOOKMARK. Clients treat a channel with no
    /// message for a few intervals as dead, and use bookmarks to notice a lost last event, so this bounds both.
    public var bookmarkInterval: Duration
    /// Messages queued per subscriber before ZeroMQ drops further ones for it. Drops are repaired by the clients
    /// (gap → relist); the mark only bounds memory: 50,000 × ~1 KB objects is ~50 MB for a stuck subscriber.
    public var sendHighWaterMark: Int32
    /// How long the socket keeps trying to deliver the last events after `shutdown()`.
    public var linger: Duration
    /// ZMTP heartbeats: a subscriber that vanished without closing its connection is dropped after the timeout.
    public var heartbeatInterval: Duration
    public var heartbeatTimeout: Duration
    /// The server's CURVE key pair (the request socket's): subscribers must know the public key. nil: plaintext.
    public var curve: CurveKeyPair?

    public init(bookmarkInterval: Duration = .seconds(1), sendHighWaterMark: Int32 = 50_000,
                linger: Duration = .milliseconds(500), heartbeatInterval: Duration = .seconds(1),
                heartbeatTimeout: Duration = .seconds(3), curve: CurveKeyPair? = nil) {
        self.bookmarkInterval = bookmarkInterval
        self.sendHighWaterMark = sendHighWaterMark
        self.linger = linger
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        self.curve = curve
    }
}

/// Counters since the publisher was created.
public struct WatchPublisherStatistics: Sendable, Equatable {
    /// Events sent (each once; ZeroMQ fans it out to every matching subscriber).
    public var events = 0
    /// Bookmarks sent, welcome bookmarks included.
    public var bookmarks = 0
    /// Subscriptions currently held by subscribers (one informer holds one).
    public var subscriptions = 0
    /// Authorization subscriptions refused (with an authorizer), since the start.
    public var denied = 0
}
