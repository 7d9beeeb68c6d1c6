/// Exponential backoff: `initial` after the first failure, doubling up to `maximum`, until `reset()` (client-go's
/// reflector backs off the same way, with its own constants).
struct InformerBackoff: Sendable, Equatable {
    let initial: Duration
    let maximum: Duration
    private(set) var attempts = 0

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
    }

    /// Counts a failure and returns how long to wait before trying again.
    mutating func next() -> Duration {
        attempts += 1
        return Self.delay(attempt: attempts, initial: initial, maximum: maximum)
    }

    mutating func reset() {
        attempts = 0
    }

    static func delay(attempt: Int, initial: Duration, maximum: Duration) -> Duration {
        guard attempt > 0 else { return .zero }
        var delay = initial
        for _ in 1..<min(attempt, 62) where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }
}
