import CZeroMQ
import Foundation

/// A ZeroMQ socket: multipart send and receive without blocking, plus bind and connect.
///
/// ZeroMQ sockets are not thread-safe. A `ZMQSocket` is **owned by exactly one thread**: create and configure it,
/// then hand it over once to the thread that uses it (starting a `Thread` is the full memory barrier libzmq asks
/// for when a socket migrates) and never touch it from anywhere else. It is `@unchecked Sendable` only so that
/// this one hand-over compiles; other threads talk to the owner through a `ZMQMailbox`.
public final class ZMQSocket: @unchecked Sendable {
    /// Socket types, with libzmq's numbers.
    public enum Kind: Int32, Sendable {
        case pair = 0, pub = 1, sub = 2, req = 3, rep = 4, dealer = 5, router = 6, pull = 7, push = 8, xpub = 9, xsub = 10
    }

    /// What a non-blocking send did.
    public enum SendResult: Sendable, Equatable {
        case sent
        /// Nothing was sent: no connected peer (with `ZMQ_IMMEDIATE`) or the high-water mark is reached.
        case wouldBlock
        /// Nothing was sent: a ROUTER with `ZMQ_ROUTER_MANDATORY` knows no peer with that identity (it left).
        case unroutable
    }

    public let kind: Kind
    /// The raw handle, for `zmq_poll` items and options this type does not wrap.
    public let handle: UnsafeMutableRawPointer
    /// Reused by every receive, so receiving allocates nothing but the returned `Data`.
    private let message: UnsafeMutablePointer<zmq_msg_t>
    private var isClosed = false

    public init(_ kind: Kind) throws(MessagingError) {
        guard let handle = zmq_socket(ZMQContext.shared.raw, kind.rawValue) else { throw .zmq("zmq_socket(\(kind))") }
        self.kind = kind
        self.handle = handle
        message = .allocate(capacity: 1)
        zmq_msg_init(message)
    }

    deinit { close() }

    /// Closes the socket. Messages not yet written are dropped unless `ZMQ_LINGER` says otherwise. Idempotent.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        zmq_close(handle)
        zmq_msg_close(message)
        message.deallocate()
    }

    public func bind(_ endpoint: String) throws(MessagingError) {
        try checkOpen()
        guard zmq_bind(handle, endpoint) == 0 else { throw Self.addressError("bind", endpoint) }
    }

    /// Starts connecting in the background; fails only for an invalid address. ZeroMQ reconnects by itself.
    public func connect(_ endpoint: String) throws(MessagingError) {
        try checkOpen()
        guard zmq_connect(handle, endpoint) == 0 else { throw Self.addressError("connect", endpoint) }
    }

    /// The endpoint actually bound last (a tcp port 0 or `*` resolved), from `ZMQ_LAST_ENDPOINT`.
    public var lastEndpoint: String {
        get throws(MessagingError) { try stringOption(ZMQ_LAST_ENDPOINT) }
    }

    /// Sends one multipart message without blocking. ZeroMQ delivers multipart messages atomically: once the
    /// first frame is accepted the rest is too, so `.wouldBlock` and `.unroutable` mean nothing was sent.
    public func send(_ frames: [Data]) throws(MessagingError) -> SendResult {
        try checkOpen()
        for (index, frame) in frames.enumerated() {
            let flags = ZMQ_DONTWAIT | (index == frames.count - 1 ? 0 : ZMQ_SNDMORE)
            while true {
                let rc = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
                if rc >= 0 { break }
                let errno = zmq_errno()
                if errno == EINTR { continue }
                if index == 0 && errno == EAGAIN { return .wouldBlock }
                if index == 0 && errno == EHOSTUNREACH { return .unroutable }
                throw .zmq("zmq_send", errno: errno)
            }
        }
        return .sent
    }

    /// Receives one multipart message without blocking; nil when none is waiting.
    public func receive() throws(MessagingError) -> [Data]? {
        try checkOpen()
        var frames: [Data] = []
        // ZeroMQ delivers multipart messages whole: once the first part is here, so are the others.
        while true {
            if zmq_msg_recv(message, handle, ZMQ_DONTWAIT) < 0 {
                let errno = zmq_errno()
                if errno == EINTR { continue }
                if errno == EAGAIN && frames.isEmpty { return nil }
                throw .zmq("zmq_msg_recv", errno: errno)
            }
            let size = zmq_msg_size(message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(message), count: size))
            if zmq_msg_more(message) == 0 { break }
        }
        if zmq_msg_size(message) > 64 * 1024 {  // do not keep a large buffer alive until the next receive
            zmq_msg_close(message)
            zmq_msg_init(message)
        }
        return frames
    }

    /// Blocks up to `timeout` until a message can be received. For simple single-socket users and tests;
    /// the transport's loops poll their socket together with a mailbox instead.
    public func waitForMessage(timeout: Duration) throws(MessagingError) -> Bool {
        try checkOpen()
        var items = [zmq_pollitem_t(socket: handle, fd: -1, events: Int16(ZMQ_POLLIN), revents: 0)]
        return try ZMQPoll.poll(&items, milliseconds: ZMQPoll.milliseconds(timeout)) > 0
    }

    private func checkOpen() throws(MessagingError) {
        if isClosed { throw MessagingError(.closed, "the \(kind) socket is closed") }
    }

    private static func addressError(_ verb: String, _ endpoint: String) -> MessagingError {
        let errno = zmq_errno()
        var message = "\(verb) \(endpoint): \(String(cString: zmq_strerror(errno)))"
        if errno == EINVAL || errno == EPROTONOSUPPORT {
            message += " (expected tcp://HOST:PORT or ipc:///path)"
        }
        return MessagingError(.zmq, message)
    }
}
