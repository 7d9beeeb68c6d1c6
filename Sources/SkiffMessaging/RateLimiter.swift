/// Decides how long a key waits before it is queued again, as client-go's workqueue rate limiters do.
///
/// Limiters are composable (`MaxOfRateLimiter`) and read time from an injected clock, so tests can drive them.
/// `when` is called once per retry and records it; `forget` clears a key's history after it succeeded.
public protocol RateLimiter<Key>: Sendable {
    associatedtype Key: Hashable & Sendable

    /// How long `key` should wait before it is processed again. Records one more retry of `key`.
    func when(_ key: Key) -> Duration

    /// Stops tracking `key`: its next `when` starts from the smallest delay again.
    func forget(_ key: Key)

    /// How many times `when` was called for `key` since it was last forgotten.
    func retries(_ key: Key) -> Int
}

extension RateLimiter {
    /// client-go's `DefaultControllerRateLimiter`: per-key exponential backoff from 5 ms to 1000 s, and at most
    /// 10 retries a second overall (bursts of 100), whichever waits longer. The per-key part stops one broken
    /// object from spinning; the overall part stops many of them from flooding the apiserver.
    public static func defaultControllerRateLimiter<K>(
        clock: any Clock<Duration> = ContinuousClock()
    ) -> Self where Self == MaxOfRateLimiter<K> {
        MaxOfRateLimiter(
            ExponentialFailureRateLimiter(base: .milliseconds(5), max: .seconds(1000)),
            BucketRateLimiter(perSecond: 10, burst: 100, clock: clock))
    }
}
