import SkiffMessaging
import Synchronization

/// Runs a sync function on request, coalescing bursts, with three guarantees (kube-proxy's
/// `BoundedFrequencyRunner`):
/// - **minimum interval**: two runs start at least `minInterval` apart; requests meanwhile become one run;
/// - **maximum interval**: a run happens at least every `maxInterval` even without requests;
/// - **retry**: a run that reports failure is retried after `retryInterval` (or sooner on a request after the
///   minimum interval).
///
/// One run at a time, on the task that calls `run()`. `request()` may be called from anywhere.
public final class BoundedFrequencyRunner<C: Clock>: Sendable where C.Duration == Duration {
    public let minInterval: Duration
    public let maxInterval: Duration
    public let retryInterval: Duration
    private let clock: C
    private let signal = WakeSignal()

    public init(minInterval: Duration, maxInterval: Duration, retryInterval: Duration, clock: C) {
        precondition(minInterval <= maxInterval, "minInterval must not exceed maxInterval")
        self.minInterval = minInterval
        self.maxInterval = maxInterval
        self.retryInterval = retryInterval
        self.clock = clock
    }

    /// Asks for a run as soon as the minimum interval allows.
    public func request() { signal.raise() }

    /// Calls `body` (true: success) per the guarantees above until the calling task is cancelled. The first run
    /// happens at once.
    public func run(_ body: @Sendable () async -> Bool) async {
        var lastStart: C.Instant?
        var retryAt: C.Instant?
        while !Task.isCancelled {
            if let last = lastStart {
                var deadline = last.advanced(by: maxInterval)
                if let retry = retryAt, retry < deadline { deadline = retry }
                await signal.wait { [clock, deadline] in try await clock.sleep(until: deadline, tolerance: nil) }
                guard !Task.isCancelled else { return }
                let earliest = last.advanced(by: minInterval)
                if clock.now < earliest {
                    do { try await clock.sleep(until: earliest, tolerance: nil) } catch { return }
                }
            }
            signal.clear()
            lastStart = clock.now
            let ok = await body()
            retryAt = ok ? nil : clock.now.advanced(by: retryInterval)
        }
    }
}
