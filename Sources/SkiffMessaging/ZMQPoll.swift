import CZeroMQ

/// `zmq_poll` and the millisecond arithmetic around it.
enum ZMQPoll {
    /// Waits until an item is ready or `milliseconds` pass (-1: forever). Returns how many are ready;
    /// 0 also when a signal interrupted the wait (callers loop anyway).
    static func poll(_ items: inout [zmq_pollitem_t], milliseconds: Int32) throws(MessagingError) -> Int {
        let rc = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, Int32($0.count), Int(milliseconds)) }
        if rc < 0 {
            let errno = zmq_errno()
            if errno == EINTR { return 0 }
            throw .zmq("zmq_poll", errno: errno)
        }
        return Int(rc)
    }

    /// A duration in whole milliseconds for a timeout or an option, clamped to 0...Int32.max.
    /// Rounds up by default so a poll never wakes just before a deadline and spins.
    static func milliseconds(_ duration: Duration, roundingUp: Bool = true) -> Int32 {
        let (seconds, attoseconds) = duration.components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let fraction = attoseconds / perMillisecond + (roundingUp && attoseconds % perMillisecond != 0 ? 1 : 0)
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow, total.partialValue + fraction < Int64(Int32.max) else { return Int32.max }
        return Int32(total.partialValue + fraction)
    }

    /// The poll timeout until `deadline`, or -1 (forever) without one.
    static func timeout(until deadline: ContinuousClock.Instant?, now: ContinuousClock.Instant) -> Int32 {
        guard let deadline else { return -1 }
        return milliseconds(deadline - now)
    }
}
