import Logging
@testable import SkiffMessaging
import Synchronization
import SkiffTesting
import Testing

@Suite(.timeLimit(.minutes(1))) struct ControllerTests {
    let clock = TestClock()
    let logger = Logger(label: "test.controller") { _ in SwiftLogNoOpLogHandler() }

    /// Reconcile attempts per key, in order.
    final class Attempts: Sendable {
        private let state = Mutex<[String]>([])
        var all: [String] { state.withLock { $0 } }
        func record(_ key: String) -> Int {
            state.withLock { attempts in
                attempts.append(key)
                return attempts.count { $0 == key }
            }
        }
    }

    @Test func failingReconcileIsRetriedWithBackoffUntilItSucceeds() async throws {
        let queue = WorkQueue<String>(name: "retry", clock: clock)
        let attempts = Attempts()
        let controller = Controller(name: "retry", queue: queue, workers: 2, logger: logger) { key in
            if attempts.record(key) <= 4 { throw ReconcileFailure() }
        }
        let running = Task { await controller.run() }
        await queue.add("web")

        for (failures, backoff) in [5, 10, 20, 40].enumerated().map({ ($0 + 1, Duration.milliseconds($1)) }) {
            await clock.waitForSleepers()
            #expect(attempts.all.count == failures)
            #expect(await queue.retries("web") == failures)
            #expect(clock.deadlines == [clock.now.offset + backoff], "retry \(failures) backs off \(backoff)")
            clock.advance(by: backoff)
        }
        try await waitUntil("the fifth attempt succeeded and was forgotten") {
            attempts.all.count == 5 ? await queue.retries("web") == 0 : false
        }
        #expect(clock.deadlines == [], "no retry after the success")

        running.cancel()
        await running.value
        #expect(attempts.all == Array(repeating: "web", count: 5))
    }

    @Test func workersProcessEveryKeyAndStopOnCancellation() async throws {
        let queue = WorkQueue<String>(name: "many", clock: clock)
        let attempts = Attempts()
        let busy = Mutex<(now: Int, most: Int)>((0, 0))
        let controller = Controller(name: "many", queue: queue, workers: 4, logger: logger) { key in
            busy.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
            await Task.yield()
            busy.withLock { $0.now -= 1 }
            _ = attempts.record(key)
        }
        let running = Task { await controller.run() }
        let keys = (0..<200).map { "ns/svc-\($0)" }
        for key in keys { await queue.add(key) }
        try await waitUntil("every key was reconciled") { attempts.all.count == keys.count }
        #expect(Set(attempts.all) == Set(keys))
        #expect(busy.withLock { $0.most } <= 4)

        running.cancel()
        await running.value
        await queue.add("after")
        #expect(await queue.count == 0, "run shut the queue down when it was cancelled")
        #expect(await queue.next() == nil)
    }

    @Test func cancellationWaitsForTheKeyInProgress() async throws {
        let queue = WorkQueue<String>(name: "graceful", clock: clock)
        let gate = Gate()
        let started = Flag()
        let finished = Flag()
        let controller = Controller(name: "graceful", queue: queue, workers: 2, logger: logger) { _ in
            started.set()
            await gate.wait()
            finished.set()
        }
        let returned = Flag()
        let running = Task {
            await controller.run()
            returned.set()
        }
        await queue.add("slow")
        try await waitUntil("the reconcile started") { started.isSet }

        running.cancel()
        try await waitUntil("the idle worker stopped") { queue.waiters.count == 0 }
        #expect(!returned.isSet, "run is still waiting for the busy worker")
        gate.open()
        await running.value
        #expect(finished.isSet, "run returned only after the key in progress was finished")
    }

    @Test func runReturnsWhenTheQueueIsShutDownAndDrained() async {
        let queue = WorkQueue<String>(name: "drain", clock: clock)
        let attempts = Attempts()
        for key in ["a", "b", "c"] { await queue.add(key) }
        await queue.shutDown()
        let controller = Controller(name: "drain", queue: queue, workers: 2, logger: logger) { key in
            _ = attempts.record(key)
        }
        await controller.run()
        #expect(attempts.all.sorted() == ["a", "b", "c"])
    }
}
