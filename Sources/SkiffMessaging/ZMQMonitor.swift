import CZeroMQ
import Foundation

/// Handshake events of one socket (`zmq_socket_monitor` over inproc), so that a CURVE failure is reported rather
/// than showing up as a silent, endless reconnect. Owned by the thread that owns the monitored socket; it is
/// `@unchecked Sendable` for the one hand-over to that thread, as `ZMQSocket` is.
final class ZMQMonitor: @unchecked Sendable {
    enum Event: Equatable {
        case succeeded
        /// A failed handshake: `reason` says what libzmq reported. `final`: libzmq gave up on the connection (after a
        /// protocol or authentication error it does not reconnect); otherwise it retries.
        case failed(endpoint: String, reason: String, final: Bool)
    }

    let socket: ZMQSocket

    init(watching monitored: ZMQSocket) throws(MessagingError) {
        let address = "inproc://skiff-monitor-\(UUID().uuidString)"
        let events = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
            | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
        guard zmq_socket_monitor(monitored.handle, address, events) == 0 else { throw .zmq("zmq_socket_monitor") }
        socket = try ZMQSocket(.pair)
        try socket.setOption(ZMQ_LINGER, 0)
        try socket.connect(address)
    }

    /// The events waiting, without blocking.
    func take() throws(MessagingError) -> [Event] {
        var events: [Event] = []
        while let frames = try socket.receive() {
            guard frames.count >= 2, frames[0].count >= 6 else { continue }
            let id = UInt16(frames[0][frames[0].startIndex]) | UInt16(frames[0][frames[0].startIndex + 1]) << 8
            let endpoint = String(decoding: frames[1], as: UTF8.self)
            switch Int32(id) {
            case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: events.append(.succeeded)
            case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
                events.append(.failed(endpoint: endpoint, reason: "protocol error (a plaintext server, or a different security mechanism?)", final: true))
            case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: events.append(.failed(endpoint: endpoint, reason: "authentication refused", final: true))
            default: events.append(.failed(endpoint: endpoint, reason: "the peer closed the connection during the handshake", final: false))
            }
        }
        return events
    }

    func close() { socket.close() }
}
