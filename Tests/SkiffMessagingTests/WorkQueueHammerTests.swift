import SkiffMessaging
import Synchronization
import Testing

/// Many workers and producers on one queue, with random reconcile lengths and random failures.
@Suite(.timeLimit(.minutes(2))) struct WorkQueueHammerTests {
    /// Records, per key, how many adds were made and which add the latest processing started after.
    final class Tracker: Sendable {
        private struct State {
            var adds: [Int]
            var seenAtLastStart: [Int]
            var inFlight: Set<Int> = []
            var overlaps: [Int] = []
            var maxInFlight = 0
            var starts = 0
        }

        private let state: Mutex<State>

        init(keys: Int) {
            state = Mutex(State(adds: Array(repeating: 0, count: keys), seenAtLastStart: Array(repeating: 0, count: keys)))
        }

        /// Called before `add`, so a processing that starts after the add sees this count.
        func willAdd(_ key: Int) { state.withLock { $0.adds[key] += 1 } }

        func start(_ key: Int) {
            state.withLock { state in
                if !state.inFlight.insert(key).inserted { state.overlaps.append(key) }
                state.seenAtLastStart[key] = state.adds[key]
                state.maxInFlight = max(state.maxInFlight, state.inFlight.count)
                state.starts += 1
            }
        }

        func end(_ key: Int) { _ = state.withLock { $0.inFlight.remove(key) } }

        /// Every key's latest add was followed by a processing of it.
        var caughtUp: Bool { state.withLock { $0.seenAtLastStart == $0.adds } }
        var overlaps: [Int] { state.withLock { $0.overlaps } }
        var maxInFlight: Int { state.withLock { $0.maxInFlight } }
        var starts: Int { state.withLock { $0.starts } }
        var totalAdds: Int { state.withLock { $0.adds.reduce(0, +) } }
    }

    static let keys = 100
    static let producers = 4
    static let addsPerProducer = 2500

    @Test(arguments: [1, 8])
    func hammeredQueueNeverRunsAKeyTwiceAtOnceAndLosesNoAdd(workers: Int) async throws {
        // Real clock, short backoff: retries really wait and race with fresh adds.
        let queue = WorkQueue<Int>(
            name: "hammer", rateLimiter: ExponentialFailureRateLimiter(base: .microseconds(50), max: .milliseconds(2)))
        let tracker = Tracker(keys: Self.keys)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<workers {
                group.addTask {
                    while let key = await queue.next() {
                        tracker.start(key)
                        await Self.reconcileForAWhile()
                        tracker.end(key)
                        let fails = Int.random(in: 0..<5) == 0
                        await queue.finish(key, result: fails ? .retry(ReconcileFailure()) : .success)
                    }
                }
            }
            await withTaskGroup(of: Void.self) { producers in
                for _ in 0..<Self.producers {
                    producers.addTask {
                        for _ in 0..<Self.addsPerProducer {
                            let key = Int.random(in: 0..<Self.keys)
                            tracker.willAdd(key)
                            await queue.add(key)
                            if Int.random(in: 0..<8) == 0 { await Task.yield() }
                        }
                    }
                }
            }
            try await waitUntil("every key's last add was processed", timeout: .seconds(30)) { tracker.caughtUp }
            await queue.shutDown()
            try await group.waitForAll()
        }

        #expect(tracker.totalAdds == Self.producers * Self.addsPerProducer)
        #expect(tracker.overlaps == [], "keys processed by two workers at once")
        #expect(tracker.starts >= Self.keys)
        if workers > 1 {
            #expect(tracker.maxInFlight > 1, "the workers did run concurrently")
        }
    }

    /// A reconcile of random length: mostly a few suspensions, sometimes a short real sleep.
    static func reconcileForAWhile() async {
        if Int.random(in: 0..<50) == 0 {
            try? await Task.sleep(for: .microseconds(Int.random(in: 10..<300)))
        }
        for _ in 0..<Int.random(in: 0..<4) { await Task.yield() }
    }
}
