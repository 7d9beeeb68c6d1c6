/// An `any Clock<Duration>` read as the time elapsed since it was wrapped.
///
/// An existential clock's instants cannot be stored or compared without knowing their type; this opens the
/// clock once and keeps plain durations, so rate limiters and the work queue can do arithmetic on them.
struct DurationClock: Sendable {
    /// Time since this value was made.
    let now: @Sendable () -> Duration
    /// Sleeps until `now()` reaches the deadline; throws `CancellationError` when the task is cancelled.
    let sleep: @Sendable (_ until: Duration) async throws -> Void

    init(_ clock: any Clock<Duration>) {
        self = Self.opening(clock)
    }

    private init(now: @escaping @Sendable () -> Duration, sleep: @escaping @Sendable (Duration) async throws -> Void) {
        self.now = now
        self.sleep = sleep
    }

    private static func opening<C: Clock<Duration>>(_ clock: C) -> DurationClock {
        let start = clock.now
        return DurationClock(
            now: { start.duration(to: clock.now) },
            sleep: { deadline in try await clock.sleep(until: start.advanced(by: deadline), tolerance: nil) })
    }
}
