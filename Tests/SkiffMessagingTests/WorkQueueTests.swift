@testable import SkiffMessaging
import SkiffTesting
import Testing

struct ReconcileFailure: Error, Equatable {}

@Suite(.timeLimit(.minutes(1))) struct WorkQueueTests {
    let clock = TestClock()

    func makeQueue() -> WorkQueue<String> {
        WorkQueue(name: "test", clock: clock)
    }

    @Test func keysAreDeduplicatedWhileQueuedAndHandedOutInOrder() async {
        let queue = makeQueue()
        for key in ["a", "b", "a", "c", "b", "a"] { await queue.add(key) }
        #expect(await queue.count == 3)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        #expect(await queue.next() == "c")
        #expect(await queue.count == 0)
        for key in ["a", "b", "c"] { await queue.finish(key, result: .success) }
        await queue.add("a")
        #expect(await queue.count == 1, "a finished key can be queued again")
    }

    @Test func keyAddedWhileProcessingWaitsForFinishInsteadOfGoingToAnotherWorker() async {
        let queue = makeQueue()
        await queue.add("a")
        #expect(await queue.next() == "a")
        await queue.add("a")
        await queue.add("a")
        #expect(await queue.count == 0, "not queued while a worker holds it")

        let otherWorker = Task { await queue.next() }
        await queue.add("b")
        #expect(await otherWorker.value == "b", "the other worker gets b, never a second copy of a")

        await queue.finish("a", result: .success)
        #expect(await queue.count == 1, "queued again, once, for the adds during processing")
        #expect(await queue.next() == "a")
        await queue.finish("a", result: .success)
        #expect(await queue.count == 0)
    }

    @Test func waitingWorkerIsWokenByAnAdd() async throws {
        let queue = makeQueue()
        let worker = Task { await queue.next() }
        try await waitUntil("the worker waits") { queue.waiters.count == 1 }
        await queue.add("a")
        #expect(await worker.value == "a")
    }

    @Test func addAfterQueuesTheKeyWhenTheClockReachesItsTime() async {
        let queue = makeQueue()
        await queue.addAfter("a", delay: .milliseconds(10))
        await clock.waitForSleepers()
        #expect(clock.deadlines == [.milliseconds(10)])
        clock.advance(by: .milliseconds(9))
        #expect(await queue.count == 0)
        clock.advance(by: .milliseconds(1))
        #expect(await queue.next() == "a")

        await queue.addAfter("b", delay: .zero)
        #expect(await queue.count == 1, "no delay: queued at once")
    }

    @Test func delayedKeyWaitsOnceWithItsEarliestTime() async {
        let queue = makeQueue()
        await queue.addAfter("a", delay: .milliseconds(50))
        await queue.addAfter("a", delay: .milliseconds(10))
        await queue.addAfter("a", delay: .milliseconds(30))
        await queue.addAfter("b", delay: .milliseconds(20))
        await clock.waitForSleepers()
        #expect(clock.deadlines == [.milliseconds(10)], "one timer, for the earliest key")

        clock.advance(by: .milliseconds(10))
        #expect(await queue.next() == "a")
        await clock.waitForSleepers()
        #expect(clock.deadlines == [.milliseconds(20)], "the timer moved on to b")
        clock.advance(by: .milliseconds(10))
        #expect(await queue.next() == "b")
        #expect(await queue.count == 0)
        #expect(clock.deadlines == [], "a's later times were dropped: nothing else waits")
    }

    @Test func delayedKeysBecomeReadyInTimeOrder() async {
        let queue = makeQueue()
        let delays = [("c", 30), ("a", 10), ("d", 30), ("b", 20)]
        for (key, milliseconds) in delays { await queue.addAfter(key, delay: .milliseconds(milliseconds)) }
        await clock.waitForSleepers()
        clock.advance(by: .milliseconds(30))
        var order: [String] = []
        for _ in delays { order.append(await queue.next()!) }
        #expect(order == ["a", "b", "c", "d"], "by ready time, then by order added")
    }

    @Test func retriesBackOffExponentiallyAndSuccessForgets() async {
        let queue = makeQueue()
        await queue.add("a")
        #expect(await queue.next() == "a")
        for (attempt, milliseconds) in [5, 10, 20, 40, 80].enumerated() {
            let failedAt = clock.now.offset
            await queue.finish("a", result: .retry(ReconcileFailure()))
            #expect(await queue.retries("a") == attempt + 1)
            #expect(await queue.count == 0)
            await clock.waitForSleepers()
            #expect(clock.deadlines == [failedAt + .milliseconds(milliseconds)])
            clock.advance(by: .milliseconds(milliseconds))
            #expect(await queue.next() == "a")
        }
        await queue.finish("a", result: .success)
        #expect(await queue.retries("a") == 0)

        await queue.add("a")
        #expect(await queue.next() == "a")
        await queue.finish("a", result: .retry(ReconcileFailure()))
        await clock.waitForSleepers()
        #expect(clock.deadlines == [clock.now.offset + .milliseconds(5)], "backoff starts over after a success")
    }

    @Test func requeueAfterForgetsBackoffAndComesBackAfterTheDelay() async {
        let queue = makeQueue()
        await queue.add("a")
        #expect(await queue.next() == "a")
        await queue.finish("a", result: .retry(ReconcileFailure()))
        clock.advance(by: .milliseconds(5))
        #expect(await queue.next() == "a")
        #expect(await queue.retries("a") == 1)

        await queue.finish("a", result: .requeueAfter(.seconds(30)))
        #expect(await queue.retries("a") == 0)
        await clock.waitForSleepers()
        #expect(clock.deadlines == [clock.now.offset + .seconds(30)])
        clock.advance(by: .seconds(30))
        #expect(await queue.next() == "a")
    }

    @Test func shutDownDrainsQueuedKeysThenReturnsNil() async {
        let queue = makeQueue()
        await queue.add("a")
        await queue.add("b")
        await queue.addAfter("later", delay: .milliseconds(10))
        await clock.waitForSleepers()

        await queue.shutDown()
        #expect(clock.deadlines == [], "the timer stopped; delayed keys are dropped")
        await queue.add("c")
        await queue.addAfter("d", delay: .milliseconds(1))
        await queue.addRateLimited("e")
        #expect(await queue.count == 2, "adds after shutdown are ignored")
        #expect(await queue.retries("e") == 0, "and not counted as retries")
        #expect(clock.deadlines == [])

        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
        #expect(await queue.next() == nil)
        #expect(await queue.next() == nil)
        clock.advance(by: .seconds(1))
        #expect(await queue.count == 0)
    }

    @Test func shutDownWakesWaitingWorkersWithNil() async throws {
        let queue = makeQueue()
        let workers = (0..<3).map { _ in Task { await queue.next() } }
        try await waitUntil("the workers wait") { queue.waiters.count == 3 }
        await queue.shutDown()
        for worker in workers { #expect(await worker.value == nil) }
    }

    @Test func cancelledWaitReturnsNilAndLosesNoKey() async throws {
        let queue = makeQueue()
        let worker = Task { await queue.next() }
        try await waitUntil("the worker waits") { queue.waiters.count == 1 }
        worker.cancel()
        #expect(await worker.value == nil)
        #expect(queue.waiters.count == 0)
        await queue.add("a")
        #expect(await queue.count == 1, "the key is not handed to the cancelled worker")
    }

    /// Cancellation racing a handout: the key is either delivered to the worker or still queued, never lost.
    @Test func cancellationRacingAnAddNeverLosesTheKey() async {
        let queue = WorkQueue<Int>(name: "race", clock: clock)
        for round in 0..<300 {
            let worker = Task { await queue.next() }
            if round.isMultiple(of: 2) { await Task.yield() }
            async let added: Void = queue.add(round)
            worker.cancel()
            await added
            let received = await worker.value
            if let received {
                #expect(received == round)
                await queue.finish(round, result: .success)
            } else {
                #expect(await queue.next() == round, "round \(round): the key stayed queued")
                await queue.finish(round, result: .success)
            }
            #expect(await queue.count == 0)
        }
    }
}
