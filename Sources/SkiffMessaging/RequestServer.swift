import CZeroMQ
import Foundation
import Logging
import Synchronization

/// The server side of the request socket: one ROUTER socket owned by one background thread.
///
/// Every request is handed to `handler` in a task of its own, so handlers run concurrently and may answer in any
/// order; each reply is routed back to its client by the identity ZeroMQ put in front of the request. At most
/// `options.maxInFlight` handlers run at once; at the cap the socket is not read (backpressure).
///
/// `run()` serves until `shutdown()` (or cancellation of its task). Shutting down is graceful: requests already
/// being handled are answered (up to `options.drainTimeout`); requests arriving meanwhile get 503 at once
/// without reaching the handler, so their senders know they were not executed. The socket then stays open for
/// `options.closeGrace` so the last replies reach their clients before the connections close.
public final class RequestServer: Sendable {
    public typealias Handler = @Sendable (Request) async -> Response

    /// The endpoint as given.
    public let endpoint: String
    /// The endpoint actually bound: a tcp port 0 or a `*` host resolved (from `ZMQ_LAST_ENDPOINT`).
    public let boundEndpoint: String
    public let options: RequestServerOptions
    private let handler: Handler
    private let logger: Logger
    private let mailbox: ZMQMailbox<RequestServerCommand>
    private let control = RequestServerControl()
    /// The socket, until `run()` hands it to the thread that owns it from then on.
    private let unstarted: Mutex<ZMQSocket?>

    /// Binds at once, so a busy or invalid address fails here: "bind tcp://127.0.0.1:6443: Address already in use".
    /// Requests arriving before `run()` wait in ZeroMQ's queue.
    public init(endpoint: String, options: RequestServerOptions = .init(),
                logger: Logger = Logger(label: "skiff.messaging.server"),
                handler: @escaping Handler) throws(MessagingError) {
        let socket = try ZMQSocket(.router)
        try socket.configureTransport(
            linger: options.linger, highWaterMark: options.highWaterMark, reconnect: .milliseconds(100),
            reconnectMax: .seconds(2), heartbeat: options.heartbeatInterval, heartbeatTimeout: options.heartbeatTimeout)
        // Report a client that left (EHOSTUNREACH) or whose queue is full (EAGAIN) instead of dropping silently.
        try socket.setOption(ZMQ_ROUTER_MANDATORY, 1)
        // A client reconnecting with its identity takes over from its old, not yet noticed, dead connection.
        try socket.setOption(ZMQ_ROUTER_HANDOVER, 1)
        try socket.setOption(ZMQ_MAXMSGSIZE, int64: options.maxMessageSize)
        if let curve = options.curve { try socket.configureCurveServer(curve) }
        try ZMQEndpoint.checkIPCNotInUse(endpoint)
        try socket.bind(endpoint)
        self.endpoint = endpoint
        boundEndpoint = try socket.lastEndpoint
        self.options = options
        self.handler = handler
        self.logger = logger
        mailbox = try ZMQMailbox()
        unstarted = Mutex(socket)
    }

    /// Serves requests until `shutdown()` has drained them. Cancelling the calling task shuts down too.
    /// Throws if called twice, or if ZeroMQ fails.
    public func run() async throws(MessagingError) {
        guard let socket = unstarted.withLock({ $0.take() }) else {
            throw MessagingError(.closed, "RequestServer on \(boundEndpoint): run() was already called")
        }
        let (mailbox, control, handler, options, logger, endpoint) = (mailbox, control, handler, options, logger, boundEndpoint)
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, MessagingError>, Never>) in
                // The socket moves to this thread now and is used by nothing else from here on.
                let thread = Thread {
                    let loop = RequestServerLoop(socket: socket, mailbox: mailbox, control: control, handler: handler,
                                                 options: options, endpoint: endpoint, logger: logger)
                    continuation.resume(returning: loop.run())
                }
                thread.name = "skiff-zmq-router"
                thread.start()
            }
        } onCancel: {
            self.shutdown()
        }
        try result.get()
    }

    /// Starts a graceful shutdown and returns at once; `run()` returns when it is done. Idempotent.
    public func shutdown() {
        control.isStopping.store(true, ordering: .sequentiallyConsistent)
        mailbox.post(.wake)
    }
}

enum RequestServerCommand: Sendable {
    /// A handler's answer, to be routed back to `identity`.
    case reply(identity: Data, id: UInt64, response: Response)
    /// Look at `RequestServerControl` (shutdown).
    case wake
}

/// Read by the socket thread for every request, so that nothing received after `shutdown()` returned reaches
/// the handler, even in a batch the thread was already reading.
final class RequestServerControl: Sendable {
    let isStopping = Atomic<Bool>(false)
}

extension Response {
    /// A Kubernetes `Status` failure, for the answers the transport gives itself (400, 503).
    static func status(_ code: Int, reason: String, message: String) -> Response {
        var json: [UInt8] = []
        json += #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"#.utf8
        WireHeader.appendString(message, to: &json)
        json += #","reason":"#.utf8
        WireHeader.appendString(reason, to: &json)
        json += #","code":\#(code)}"#.utf8
        return Response(code: code, body: Data(json))
    }
}
