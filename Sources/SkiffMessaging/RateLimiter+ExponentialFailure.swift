import Synchronization

/// Per-key exponential backoff: `base * 2^retries`, capped at `max` (client-go's `ItemExponentialFailureRateLimiter`).
///
/// Each key counts its own failures, so one failing key does not slow the others down.
public final class ExponentialFailureRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let base: Duration
    public let max: Duration
    private let failures = Mutex<[Key: Int]>([:])

    public init(base: Duration = .milliseconds(5), max: Duration = .seconds(1000)) {
        precondition(base > .zero && max >= base, "need 0 < base <= max")
        self.base = base
        self.max = max
    }

    public func when(_ key: Key) -> Duration {
        let exponent = failures.withLock { failures in
            defer { failures[key, default: 0] += 1 }
            return failures[key, default: 0]
        }
        return delay(afterFailures: exponent)
    }

    public func forget(_ key: Key) {
        _ = failures.withLock { $0.removeValue(forKey: key) }
    }

    public func retries(_ key: Key) -> Int {
        failures.withLock { $0[key, default: 0] }
    }

    /// `base * 2^exponent`, or `max` when that is larger. The comparison runs in floating point first, so a
    /// key that failed thousands of times cannot overflow `Duration`; below `max` the product is exact.
    private func delay(afterFailures exponent: Int) -> Duration {
        let factor = Double(sign: .plus, exponent: exponent, significand: 1)
        guard exponent < 63, factor < max / base else { return max }
        return Swift.min(base * (Int64(1) << exponent), max)
    }
}
