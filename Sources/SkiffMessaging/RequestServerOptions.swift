/// Tuning for a `RequestServer`.
public struct RequestServerOptions: Sendable {
    /// Requests handled at once. At the cap the server stops reading its socket (backpressure): further
    /// requests wait in ZeroMQ's queues and the kernel's socket buffers until a handler finishes.
    public var maxInFlight: Int
    /// How long `shutdown()` waits for handlers in flight before closing anyway (their replies are then lost).
    public var drainTimeout: Duration
    /// How long the socket stays open after the last reply of a shutdown (answering 503 meanwhile) before it
    /// closes. Needed because a client with `ZMQ_IMMEDIATE` (every `Connection`) drops replies still queued inside
    /// its libzmq when the connection goes away: without the grace, replies sent just before the close can be lost
    /// and their callers see a timeout for requests that were applied.
    public var closeGrace: Duration
    /// How long the socket keeps trying to deliver the last replies after it is closed.
    public var linger: Duration
    public var heartbeatInterval: Duration
    /// A client connection with no traffic for this long is dropped (a client that vanished without closing).
    public var heartbeatTimeout: Duration
    /// ZeroMQ's send and receive high-water marks, in messages.
    public var highWaterMark: Int32
    /// Larger requests make ZeroMQ drop the connection instead of buffering them.
    public var maxMessageSize: Int64
    /// The server's CURVE key pair: every connection is encrypted, and a client must know the public key. nil:
    /// plaintext.
    public var curve: CurveKeyPair?

    public init(maxInFlight: Int = 4096, drainTimeout: Duration = .seconds(5),
                closeGrace: Duration = .milliseconds(200), linger: Duration = .seconds(1),
                heartbeatInterval: Duration = .seconds(1), heartbeatTimeout: Duration = .seconds(3),
                highWaterMark: Int32 = 100_000, maxMessageSize: Int64 = 64 << 20, curve: CurveKeyPair? = nil) {
        self.maxInFlight = maxInFlight
        self.drainTimeout = drainTimeout
        self.closeGrace = closeGrace
        self.linger = linger
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        self.highWaterMark = highWaterMark
        self.maxMessageSize = maxMessageSize
        self.curve = curve
    }
}
