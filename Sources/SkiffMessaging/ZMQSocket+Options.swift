import CZeroMQ
import Foundation

extension ZMQSocket {
    /// Sets an `int` option (most of libzmq's: `ZMQ_LINGER`, `ZMQ_SNDHWM`, `ZMQ_IMMEDIATE`, ...).
    public func setOption(_ option: Int32, _ value: Int32) throws(MessagingError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int32>.size) == 0 else {
            throw .zmq("zmq_setsockopt(\(option), \(value))")
        }
    }

    /// Sets an `int64_t` option (`ZMQ_MAXMSGSIZE`).
    public func setOption(_ option: Int32, int64 value: Int64) throws(MessagingError) {
        var value = value
        guard zmq_setsockopt(handle, option, &value, MemoryLayout<Int64>.size) == 0 else {
            throw .zmq("zmq_setsockopt(\(option), \(value))")
        }
    }

    /// Sets a binary option (`ZMQ_ROUTING_ID`, `ZMQ_SUBSCRIBE`).
    public func setOption(_ option: Int32, bytes: [UInt8]) throws(MessagingError) {
        let rc = bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        guard rc == 0 else { throw .zmq("zmq_setsockopt(\(option), \(bytes.count) bytes)") }
    }

    /// Reads a string option (`ZMQ_LAST_ENDPOINT`).
    public func stringOption(_ option: Int32) throws(MessagingError) -> String {
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        guard zmq_getsockopt(handle, option, &buffer, &size) == 0 else { throw .zmq("zmq_getsockopt(\(option))") }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads an `int` option.
    public func intOption(_ option: Int32) throws(MessagingError) -> Int32 {
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        guard zmq_getsockopt(handle, option, &value, &size) == 0 else { throw .zmq("zmq_getsockopt(\(option))") }
        return value
    }

    /// The options every transport socket gets: no silent drops at ZeroMQ's default high-water mark of 1000,
    /// fast reconnects with backoff, and heartbeats so a peer that vanished without closing its TCP connection
    /// (killed host, lost network) is noticed and the connection dropped and re-established.
    func configureTransport(linger: Duration, highWaterMark: Int32, reconnect: Duration, reconnectMax: Duration,
                            heartbeat: Duration, heartbeatTimeout: Duration) throws(MessagingError) {
        try setOption(ZMQ_LINGER, ZMQPoll.milliseconds(linger, roundingUp: false))
        try setOption(ZMQ_SNDHWM, highWaterMark)
        try setOption(ZMQ_RCVHWM, highWaterMark)
        try setOption(ZMQ_RECONNECT_IVL, ZMQPoll.milliseconds(reconnect))
        try setOption(ZMQ_RECONNECT_IVL_MAX, ZMQPoll.milliseconds(reconnectMax))
        try setOption(ZMQ_HEARTBEAT_IVL, ZMQPoll.milliseconds(heartbeat))
        try setOption(ZMQ_HEARTBEAT_TIMEOUT, ZMQPoll.milliseconds(heartbeatTimeout))
        try setOption(ZMQ_HEARTBEAT_TTL, ZMQPoll.milliseconds(heartbeatTimeout))
    }
}
