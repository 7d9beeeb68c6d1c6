import CZeroMQ

/// The one error type of the messaging layer. `code` drives control flow; `message` is for people.
///
/// The codes tell a caller whether a request may have been executed:
/// `.unreachable` and `.closed`/`.cancelled` before sending mean it was never sent; `.timeout`, and
/// `.closed`/`.cancelled` after sending, mean the outcome is unknown (the message says which).
public struct MessagingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        /// Never sent: no connection to the peer before the deadline. The request was definitely not executed.
        case unreachable
        /// Sent, but no reply before the deadline. The request may or may not have been executed.
        case timeout
        /// Frames that do not follow the wire format (see `Wire`).
        case malformed
        /// The connection or server was closed.
        case closed
        /// The calling task was cancelled.
        case cancelled
        /// A ZeroMQ call failed (bind, connect, options); the message carries zmq_strerror's text.
        case zmq
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// A `.zmq` error for a failed ZeroMQ call: "what: zmq_strerror(errno)".
    static func zmq(_ what: String, errno: Int32 = zmq_errno()) -> MessagingError {
        MessagingError(.zmq, "\(what): \(String(cString: zmq_strerror(errno)))")
    }

    static func malformed(_ message: String) -> MessagingError { MessagingError(.malformed, message) }
}
