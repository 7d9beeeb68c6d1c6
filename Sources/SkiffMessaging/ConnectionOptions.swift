/// Tuning for a `Connection`. The defaults suit a client of a local apiserver.
public struct ConnectionOptions: Sendable {
    /// Deadline of a call that passes none.
    public var timeout: Duration
    /// How often ZeroMQ sends a heartbeat (ZMTP PING) on an idle connection.
    public var heartbeatInterval: Duration
    /// A connection with no traffic for this long is dropped and re-established: a peer that vanished without
    /// closing its TCP connection is noticed after this, rather than never.
    public var heartbeatTimeout: Duration
    /// First reconnect delay after a lost or refused connection; it doubles up to `reconnectIntervalMax`.
    public var reconnectInterval: Duration
    public var reconnectIntervalMax: Duration
    /// ZeroMQ's send and receive high-water marks, in messages. ZeroMQ's default (1000) is too low for
    /// thousands of requests in flight.
    public var highWaterMark: Int32
    /// The server's CURVE public key (Z85): the connection is encrypted and made only to the holder of its secret
    /// key. nil: plaintext (the server must have been started with `--plaintext`). Informers on this connection
    /// use it for their watch sockets too.
    public var curveServerKey: String?

    public init(timeout: Duration = .seconds(10), heartbeatInterval: Duration = .seconds(1),
                heartbeatTimeout: Duration = .seconds(3), reconnectInterval: Duration = .milliseconds(100),
                reconnectIntervalMax: Duration = .seconds(2), highWaterMark: Int32 = 100_000, curveServerKey: String? = nil) {
        self.timeout = timeout
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout
        self.reconnectInterval = reconnectInterval
        self.reconnectIntervalMax = reconnectIntervalMax
        self.highWaterMark = highWaterMark
        self.curveServerKey = curveServerKey
    }
}
