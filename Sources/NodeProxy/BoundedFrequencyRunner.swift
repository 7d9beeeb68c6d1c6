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
    private let signal = RunnerSignal()

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
                await signal.wait(until: deadline, clock: clock)
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

/// A level-triggered flag one task waits on, with a deadline.
final class RunnerSignal: Sendable {
    private struct State {
        var raised = false
        var waiter: CheckedContinuation<Void, Never>?
    }
    private let state = Mutex(State())

    func raise() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.raised = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    func clear() { state.withLock { $0.raised = false } }

    /// Returns when the flag is raised, the deadline passes, or the task is cancelled.
    func wait<C: Clock>(until deadline: C.Instant, clock: C) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitRaised() }
            group.addTask { try? await clock.sleep(until: deadline, tolerance: nil) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitRaised() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    // Cancellation is flagged before onCancel runs, and both take this lock: no lost wake-up.
                    if state.raised || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.wakeWaiter()
        }
    }

    private func wakeWaiter() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
