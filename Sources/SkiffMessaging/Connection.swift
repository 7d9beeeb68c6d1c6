import CZeroMQ
import Foundation
import Logging
import Synchronization

/// A client of a request socket (the apiserver's ROUTER): one DEALER socket with many requests in flight.
///
/// The socket is owned by one background thread (`ConnectionLoop`); `call` may be used from any task at the
/// same time. Each call gets an id, is handed to that thread through a mailbox, and waits for the reply with
/// the same id. ZeroMQ reconnects by itself, so a restarted server is reached again without any action here.
///
/// What a failure means for the request:
/// - `.unreachable`: there was no connection until the deadline, so the request was never sent.
///   (`ZMQ_IMMEDIATE` keeps ZeroMQ from queueing it for a peer that is not connected.)
/// - `.timeout`: sent, but no reply by the deadline; it may or may not have been applied.
/// - `.cancelled`, `.closed`: the message says whether it had been sent.
/// A reply arriving after its call failed is dropped (and counted in `droppedReplies`). When the connection
/// drops, libzmq discards replies it had received but not yet handed over (a consequence of `ZMQ_IMMEDIATE`);
/// those calls end with `.timeout`, which is why `RequestServer` keeps its socket open briefly after a shutdown.
public final class Connection: Sendable {
    public let endpoint: String
    public let options: ConnectionOptions
    private let mailbox: ZMQMailbox<ConnectionCommand>
    private let nextID = Atomic<UInt64>(0)
    private let counters: ConnectionCounters

    /// Creates the socket, starts connecting in the background and returns at once. Throws only for an invalid
    /// endpoint or a ZeroMQ failure; an absent server shows up as `.unreachable` on calls.
    public init(endpoint: String, options: ConnectionOptions = .init(),
                logger: Logger = Logger(label: "skiff.messaging.connection")) throws(MessagingError) {
        self.endpoint = endpoint
        self.options = options
        let socket = try ZMQSocket(.dealer)
        try socket.configureTransport(
            linger: .zero, highWaterMark: options.highWaterMark, reconnect: options.reconnectInterval,
            reconnectMax: options.reconnectIntervalMax, heartbeat: options.heartbeatInterval,
            heartbeatTimeout: options.heartbeatTimeout)
        try socket.setOption(ZMQ_IMMEDIATE, 1)
        if let key = options.curveServerKey { try socket.configureCurveClient(serverKey: key) }
        // Reports failed handshakes (a wrong server key, CURVE on one side only) instead of reconnecting silently.
        let monitor = try ZMQMonitor(watching: socket)
        // A stable identity across reconnects, so (with ROUTER_HANDOVER on the server) the server's replies reach
        // the new connection when this one is re-established while the server still holds the old one.
        try socket.setOption(ZMQ_ROUTING_ID, bytes: Array("skiff-\(UUID().uuidString)".utf8))
        try socket.connect(endpoint)
        let mailbox = try ZMQMailbox<ConnectionCommand>()
        let counters = ConnectionCounters()
        self.mailbox = mailbox
        self.counters = counters

        // The socket moves to this thread now and is used by nothing else from here on.
        let thread = Thread {
            ConnectionLoop(socket: socket, monitor: monitor, curve: options.curveServerKey != nil, mailbox: mailbox,
                           endpoint: endpoint, counters: counters, logger: logger).run()
        }
        thread.name = "skiff-zmq-dealer"
        thread.start()
    }

    deinit { close() }

    /// Fails every call in flight with `.closed` and closes the socket. Idempotent; later calls fail with `.closed`.
    public func close() {
        mailbox.post(.close)
    }

    /// Replies that arrived for calls that had already timed out or been cancelled (dropped), since creation.
    public var droppedReplies: Int { counters.droppedReplies.load(ordering: .relaxed) }

    /// Sends `request` and waits for its reply, up to `timeout` (default `options.timeout`).
    /// Cancelling the calling task ends the call with `.cancelled`.
    public func call(_ request: Request, timeout: Duration? = nil) async throws(MessagingError) -> Response {
        if Task.isCancelled { throw MessagingError(.cancelled, "request cancelled before it was sent") }
        let id = nextID.add(1, ordering: .relaxed).newValue
        let frames = Wire.encodeRequest(id: id, request)
        let timeout = timeout ?? options.timeout
        let cancellation = CallCancellation()
        let mailbox = mailbox
        let endpoint = endpoint
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: ConnectionCall.Continuation) in
                let call = ConnectionCall(id: id, frames: frames, timeout: timeout, cancellation: cancellation,
                                          continuation: continuation)
                if !mailbox.post(.send(call)) {
                    continuation.resume(returning: .failure(ConnectionLoop.closedError(endpoint, sent: false)))
                }
            }
        } onCancel: {
            cancellation.isCancelled.store(true, ordering: .sequentiallyConsistent)
            mailbox.post(.cancel(id))
        }
        return try result.get()
    }
}

/// What callers hand to the socket thread.
enum ConnectionCommand: Sendable {
    case send(ConnectionCall)
    case cancel(UInt64)
    case close
}

/// One call on its way to the socket thread. Only that thread resumes `continuation` (or `call` itself when the
/// mailbox refuses the call), so it is resumed exactly once.
struct ConnectionCall: Sendable {
    typealias Continuation = CheckedContinuation<Result<Response, MessagingError>, Never>

    let id: UInt64
    let frames: [Data]
    let timeout: Duration
    let cancellation: CallCancellation
    let continuation: Continuation
}

/// Set by the cancellation handler before it posts `.cancel(id)`: covers a cancellation that happens before the
/// call reached the socket thread, when the `.cancel` may overtake the `.send`.
final class CallCancellation: Sendable {
    let isCancelled = Atomic<Bool>(false)
}

final class ConnectionCounters: Sendable {
    let droppedReplies = Atomic<Int>(0)
}
