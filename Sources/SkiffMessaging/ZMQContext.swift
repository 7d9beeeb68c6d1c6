import CZeroMQ

/// The process-wide ZeroMQ context.
///
/// A context is thread-safe (unlike its sockets) and owns the I/O thread, so one per process is enough and is
/// what ZeroMQ recommends. It is never terminated: `zmq_ctx_term` blocks until every socket is closed, and the
/// operating system reclaims it at exit.
final class ZMQContext: @unchecked Sendable {  // @unchecked: libzmq documents contexts as thread-safe.
    static let shared = ZMQContext()

    let raw: UnsafeMutableRawPointer

    private init() {
        guard let raw = zmq_ctx_new() else { fatalError("zmq_ctx_new failed: \(String(cString: zmq_strerror(zmq_errno())))") }
        self.raw = raw
    }
}
