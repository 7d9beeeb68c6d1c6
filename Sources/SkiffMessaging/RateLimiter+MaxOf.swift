/// Combines limiters: a key waits as long as the strictest of them says (client-go's `MaxOfRateLimiter`).
///
/// Every limiter sees every call, so each keeps its own accounting (a bucket spends a token even when the
/// per-key backoff is the longer wait).
public struct MaxOfRateLimiter<Key: Hashable & Sendable>: RateLimiter {
    public let limiters: [any RateLimiter<Key>]

    public init(_ limiters: any RateLimiter<Key>...) {
        precondition(!limiters.isEmpty, "MaxOfRateLimiter needs at least one limiter")
        self.limiters = limiters
    }

    public func when(_ key: Key) -> Duration {
        limiters.map { $0.when(key) }.max()!
    }

    public func forget(_ key: Key) {
        for limiter in limiters { limiter.forget(key) }
    }

    public func retries(_ key: Key) -> Int {
        limiters.map { $0.retries(key) }.max()!
    }
}
