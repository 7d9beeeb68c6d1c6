/// Tuning for an `Informer`. The defaults match an apiserver with default `WatchPublisherOptions`.
public struct InformerOptions: Sendable {
    /// The bearer token sent with discover and list requests.
    public var token: String?
    /// Deadline of each discover and list request.
    public var requestTimeout: Duration
    /// The publisher's bookmark interval, assumed until its first bookmark says what it is.
    public var bookmarkInterval: Duration
    /// The channel is dead (reconnect, then relist) after this many bookmark intervals without any message.
    public var silenceIntervals: Int
    /// Messages ZeroMQ queues for this subscriber before it drops further ones (repaired by a relist).
    public var receiveHighWaterMark: Int32
    /// Messages kept while a list is in flight; beyond it they are dropped (a gap, so another relist follows).
    public var maxBufferedMessages: Int
    /// Backoff of a failed discover or list: `retryInitial`, doubling up to `retryMax`; reset by a success.
    public var retryInitial: Duration
    public var retryMax: Duration
    /// Backoff of relists that follow each other without the chain being confirmed by a bookmark in between
    /// (messages keep being lost: the subscriber is too slow for the stream). The first relist is immediate.
    public var relistInitial: Duration
    public var relistMax: Duration
    /// ZMTP heartbeats on the watch connection, so that a half-open one is dropped and re-established.
    public var heartbeatInterval: Duration
    public var heartbeatTimeout: Duration

    public init(token: String? = nil, requestTimeout: Duration = .seconds(10), bookmarkInterval: Duration = .seconds(1),
                silenceIntervals: Int = 3, receiveHighWaterMark: Int32 = 100_000, maxBufferedMessages: Int = 100_000,
                retryInitial: Duration = .milliseconds(100), retryMax: Duration = .seconds(5),
                relistInitial: Duration = .milliseconds(100), relistMax: Duration = .seconds(5),
                heartbeatInterval: Duration = .seconds(1), heartbeatTimeout: Duration = .seconds(3)) {
        self.token = token
        self.requestTimeout = requestTimeout
        self.bookmarkInterval = bookmarkInterval
        self.silenceIntervals = silenceIntervals
        self.receiveHighWaterMark = receiveHighWaterMark
        self.maxBufferedMessages = maxBufferedMessages
        self.retryInitial = retryInitial
        self.retryMax = retryMax
        self.relistInitial = relistInitial
        self.relistMax = relistMax
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
    }
}

/// Counters since the informer was created: what a test or a metrics endpoint looks at.
public struct InformerStatistics: Sendable, Equatable {
    /// Lists applied to the cache (the first one included).
    public var lists = 0
    /// Why relists were asked for.
    public var gaps = 0
    public var epochChanges = 0
    public var silences = 0
    public var decodeErrors = 0
    /// Watch connections made (the first one included).
    public var connects = 0
    /// Watch events applied to the cache, and events skipped as already known.
    public var events = 0
    public var skipped = 0
    /// Bookmarks that confirmed the chain.
    public var bookmarks = 0
    /// Objects of a list or an event that did not decode as the informer's type.
    public var undecodable = 0

    /// Lists after the first one.
    public var relists: Int { max(lists - 1, 0) }
}
