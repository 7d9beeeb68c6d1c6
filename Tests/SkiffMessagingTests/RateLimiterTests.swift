import SkiffMessaging
import SkiffTesting
import Testing

@Suite struct RateLimiterTests {
    struct BackoffCase: Sendable, CustomTestStringConvertible {
        var name: String
        var base: Duration
        var max: Duration
        var delays: [Duration]
        var testDescription: String { name }
    }

    static let backoffCases: [BackoffCase] = [
        BackoffCase(name: "client-go default doubles from 5ms", base: .milliseconds(5), max: .seconds(1000),
                    delays: [5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560].map { .milliseconds($0) }),
        BackoffCase(name: "capped at max", base: .milliseconds(5), max: .milliseconds(30),
                    delays: [5, 10, 20, 30, 30, 30].map { .milliseconds($0) }),
        BackoffCase(name: "base equal to max", base: .seconds(1), max: .seconds(1),
                    delays: [.seconds(1), .seconds(1), .seconds(1)]),
    ]

    @Test(arguments: backoffCases)
    func exponentialBackoffDoublesPerFailureUpToMax(_ testCase: BackoffCase) {
        let limiter = ExponentialFailureRateLimiter<String>(base: testCase.base, max: testCase.max)
        let delays = testCase.delays.indices.map { _ in limiter.when("a") }
        #expect(delays == testCase.delays)
        #expect(limiter.retries("a") == testCase.delays.count)
    }

    @Test func exponentialBackoffIsPerKeyAndForgetResetsIt() {
        let limiter = ExponentialFailureRateLimiter<String>()
        #expect([limiter.when("a"), limiter.when("a"), limiter.when("a")] == [5, 10, 20].map { .milliseconds($0) })
        #expect(limiter.when("b") == .milliseconds(5), "another key starts from the base delay")
        #expect(limiter.retries("a") == 3)
        #expect(limiter.retries("b") == 1)

        limiter.forget("a")
        #expect(limiter.retries("a") == 0)
        #expect(limiter.when("a") == .milliseconds(5))
        #expect(limiter.when("b") == .milliseconds(10), "forgetting a key leaves the others alone")
    }

    @Test func exponentialBackoffStaysAtMaxAfterThousandsOfFailures() {
        let limiter = ExponentialFailureRateLimiter<Int>(base: .seconds(3600), max: .seconds(86_400 * 365))
        var last = Duration.zero
        for _ in 0..<5000 { last = limiter.when(1) }
        #expect(last == .seconds(86_400 * 365))
        #expect(limiter.retries(1) == 5000)
    }

    @Test func bucketAllowsABurstThenSpacesRetriesAtTheRate() {
        let clock = TestClock()
        let limiter = BucketRateLimiter<String>(perSecond: 10, burst: 3, clock: clock)
        let keys = ["a", "b", "c", "d", "e"]
        #expect(keys.map { limiter.when($0) } == [0, 0, 0, 100, 200].map { .milliseconds($0) },
                "one bucket for all keys: the 4th and 5th retries borrow tokens 100 ms apart")

        clock.advance(by: .milliseconds(250))  // 2.5 tokens back, 2 of them owed: 0.5 left
        #expect(limiter.when("a") == .milliseconds(50))

        clock.advance(by: .seconds(60))  // refills, but never above the burst
        #expect((0..<4).map { _ in limiter.when("a") } == [0, 0, 0, 100].map { .milliseconds($0) })
        limiter.forget("a")
        #expect(limiter.retries("a") == 0)
        #expect(limiter.when("a") == .milliseconds(200), "forget does not return tokens")
    }

    @Test func bucketEnforcesTheOverallRateOverManyRetries() {
        let clock = TestClock()
        let limiter = BucketRateLimiter<Int>(perSecond: 10, burst: 100, clock: clock)
        let delays = (0..<1000).map { limiter.when($0) }
        // Retry i may run at (i - 99) / 10 s: the first 100 at once, then 10 a second, none sooner.
        #expect(delays == (0..<1000).map { .milliseconds(100 * max(0, $0 - 99)) })
        // 50 s later the last promised slot (90 s) is still 40 s away; the next retry is booked after it.
        clock.advance(by: .seconds(50))
        #expect(limiter.when(0) == .milliseconds(40_100))
    }

    @Test func maxOfWaitsForTheStrictestLimiterAndForwardsForget() {
        let clock = TestClock()
        let limiter = MaxOfRateLimiter<String>(
            ExponentialFailureRateLimiter(base: .milliseconds(5), max: .seconds(10)),
            BucketRateLimiter(perSecond: 10, burst: 2, clock: clock))
        #expect(limiter.when("a") == .milliseconds(5), "backoff beats a full bucket")
        #expect(limiter.when("a") == .milliseconds(10))
        #expect(limiter.when("b") == .milliseconds(100), "an empty bucket beats a fresh key's backoff")
        #expect(limiter.retries("a") == 2)

        limiter.forget("a")
        #expect(limiter.retries("a") == 0)
        #expect(limiter.when("a") == .milliseconds(200), "forget resets the backoff; the bucket still counts")
    }

    @Test func defaultControllerRateLimiterIsBackoffAndTenPerSecondBurstHundred() {
        let clock = TestClock()
        let limiter: MaxOfRateLimiter<Int> = .defaultControllerRateLimiter(clock: clock)
        #expect((0..<100).map { limiter.when($0) } == Array(repeating: .milliseconds(5), count: 100))
        #expect(limiter.when(100) == .milliseconds(100), "the 101st retry in a burst waits for a token")
        #expect(limiter.when(0) == .milliseconds(200))
        clock.advance(by: .seconds(60))
        #expect(limiter.when(0) == .milliseconds(20), "with tokens back, key 0's third retry backs off 20 ms")
        for _ in 0..<20 { _ = limiter.when(7) }
        #expect(limiter.retries(7) == 21)
    }
}
