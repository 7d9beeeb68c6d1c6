import Synchronization

/// An overall limit shared by all keys: a token bucket holding up to `burst` tokens, refilled at `perSecond`
/// (client-go's `BucketRateLimiter` over `golang.org/x/time/rate`).
///
/// Every `when` takes one token. When the bucket is empty the token is borrowed from the future, so the
/// returned delays space retries `1 / perSecond` apart instead of all firing when the first token returns.
/// The limiter keeps no per-key state: `forget` does nothing and `retries` is always 0.
public final class BucketRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let perSecond: Double
    public let burst: Int
    private let clock: DurationClock
    /// Tokens left at `updated`; negative while retries are booked ahead.
    private let bucket: Mutex<(tokens: Double, updated: Duration)>

    /// Starts with a full bucket.
    public init(perSecond: Double, burst: Int, clock: any Clock<Duration> = ContinuousClock()) {
        precondition(perSecond > 0 && burst >= 1, "need perSecond > 0 and burst >= 1")
        self.perSecond = perSecond
        self.burst = burst
        self.clock = DurationClock(clock)
        self.bucket = Mutex((Double(burst), self.clock.now()))
    }

    public func when(_ key: Key) -> Duration {
        let now = clock.now()
        let tokens = bucket.withLock { bucket in
            let refill = (now - bucket.updated) / .seconds(1) * perSecond
            bucket.tokens = Swift.min(Double(burst), bucket.tokens + refill) - 1
            bucket.updated = now
            return bucket.tokens
        }
        // Whole nanoseconds, as Go's time.Duration: 1/10 s is exactly 100 ms, not a binary fraction of it.
        return tokens >= 0 ? .zero : .nanoseconds(Int64((-tokens / perSecond * 1e9).rounded()))
    }

    public func forget(_ key: Key) {}

    public func retries(_ key: Key) -> Int { 0 }
}
