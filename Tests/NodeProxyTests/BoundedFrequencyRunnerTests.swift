import NodeProxy
import SkiffTesting
import Synchronization
import Testing

/// The runner's guarantees, on a manual clock: no waiting on real time.
struct BoundedFrequencyRunnerTests {
    /// Counts runs and lets the test wait for the n-th.
    final class Runs: Sendable {
        let count = Mutex(0)
        let results = Mutex<[Bool]>([])
        func next() -> Bool {
            count.withLock { $0 += 1 }
            return results.withLock { $0.isEmpty ? true : $0.removeFirst() }
        }
        func wait(for n: Int) async throws {
            let deadline = ContinuousClock.now + .seconds(10)
            while count.withLock({ $0 }) < n {
                guard ContinuousClock.now < deadline else { throw CancellationError() }
                await Task.yield()
            }
        }
    }

    /// Waits (real time, bounded) for `condition`: the runner reacts on another task.
    func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { throw CancellationError() }
            await Task.yield()
        }
    }

    @Test func runsAtOnceThenCoalescesABurstAfterTheMinimumInterval() async throws {
        let clock = TestClock()
        let runner = BoundedFrequencyRunner(minInterval: .seconds(1), maxInterval: .seconds(30), retryInterval: .seconds(5), clock: clock)
        let runs = Runs()
        let task = Task { await runner.run { runs.next() } }
        defer { task.cancel() }
        try await runs.wait(for: 1)
        await clock.waitForSleepers()  // waiting for a request or the maximum interval
        for _ in 0..<10 { runner.request() }
        try await eventually { clock.deadlines == [.seconds(1)] }  // sleeping out the minimum interval
        clock.advance(by: .seconds(1))
        try await runs.wait(for: 2)
        // One run for the burst: next it waits for the maximum interval, not for another run.
        try await eventually { clock.deadlines == [.seconds(31)] }
        #expect(runs.count.withLock { $0 } == 2)
    }

    /// Kubernetes' semantics: the minimum interval spaces runs; it is not a delay before each. A request after a
    /// quiet spell longer than the interval runs at once.
    @Test func runsARequestAfterAQuietSpellAtOnce() async throws {
        let clock = TestClock()
        let runner = BoundedFrequencyRunner(minInterval: .seconds(1), maxInterval: .seconds(30), retryInterval: .seconds(5), clock: clock)
        let runs = Runs()
        let task = Task { await runner.run { runs.next() } }
        defer { task.cancel() }
        try await runs.wait(for: 1)
        try await eventually { clock.deadlines == [.seconds(30)] }
        clock.advance(by: .seconds(5))
        runner.request()
        try await runs.wait(for: 2)  // without the clock moving
        #expect(clock.now.offset == .seconds(5))
        // The next request within the interval waits for its end (1 s after this run started).
        try await eventually { clock.deadlines == [.seconds(35)] }
        runner.request()
        try await eventually { clock.deadlines == [.seconds(6)] }
        #expect(runs.count.withLock { $0 } == 2)
        clock.advance(by: .seconds(1))
        try await runs.wait(for: 3)
    }

    @Test func runsAtTheMaximumIntervalWithoutRequests() async throws {
        let clock = TestClock()
        let runner = BoundedFrequencyRunner(minInterval: .zero, maxInterval: .seconds(30), retryInterval: .seconds(5), clock: clock)
        let runs = Runs()
        let task = Task { await runner.run { runs.next() } }
        defer { task.cancel() }
        try await runs.wait(for: 1)
        try await eventually { clock.deadlines == [.seconds(30)] }
        clock.advance(by: .seconds(30))
        try await runs.wait(for: 2)
    }

    @Test func retriesAFailedRunAfterTheRetryInterval() async throws {
        let clock = TestClock()
        let runner = BoundedFrequencyRunner(minInterval: .zero, maxInterval: .seconds(30), retryInterval: .seconds(5), clock: clock)
        let runs = Runs()
        runs.results.withLock { $0 = [false] }
        let task = Task { await runner.run { runs.next() } }
        defer { task.cancel() }
        try await runs.wait(for: 1)
        try await eventually { clock.deadlines == [.seconds(5)] }
        clock.advance(by: .seconds(5))
        try await runs.wait(for: 2)
    }

    @Test func stopsWhenCancelled() async {
        let runner = BoundedFrequencyRunner(minInterval: .zero, maxInterval: .seconds(30), retryInterval: .seconds(5), clock: TestClock())
        let task = Task { await runner.run { true } }
        task.cancel()
        await task.value
    }
}
