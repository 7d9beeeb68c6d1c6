/// A queue of keys for controllers, after client-go's `workqueue`: the keys of objects that need work, not
/// the objects themselves, so a burst of events for one object turns into one reconcile of its latest state.
///
/// The contract:
/// - **De-duplicated while queued.** Adding a key that is already queued does nothing.
/// - **Never processed by two workers at once.** A key handed out by `next()` is *processing* until
///   `finish`. Adding it meanwhile marks it dirty; it is queued again when finished, so the change that
///   arrived during processing is still seen, by one worker at a time.
/// - **FIFO** among ready keys.
/// - **Retries back off** through the injected `RateLimiter` (per-key exponential backoff and an overall
///   limit by default). `finish` records the outcome in one call, so a success always forgets the key's
///   retry history and a failure is always retried; there is no separate Done/Forget to miss.
/// - **Delayed adds** wait in a heap by ready time; one timer task sleeps on the injected clock until the
///   earliest one. A key waits at most once: a second delayed add keeps the earlier ready time.
///
/// Shutting down stops all adds (immediate, delayed and retries) and drops the delayed keys. Keys already
/// queued are still handed out; `next()` returns nil once none are left. Workers should finish the keys they
/// hold; a dirty key finished after shutdown is queued for whichever worker still asks.
public actor WorkQueue<Key: Hashable & Sendable> {
    public nonisolated let name: String
    let rateLimiter: any RateLimiter<Key>
    let clock: DurationClock

    /// Ready keys in order; every one of them is also in `dirty`.
    var queue = KeyFIFO<Key>()
    /// Keys that need processing: queued, or added again while processing.
    var dirty: Set<Key> = []
    /// Keys handed out by `next()` and not finished yet.
    var processing: Set<Key> = []
    var isShuttingDown = false
    /// Tasks suspended in `next()`. Never non-empty while `queue` is: a ready key goes to a waiter at once.
    nonisolated let waiters = WorkQueueWaiters<Key>()

    /// Keys added with a delay, by ready time.
    var delayed = DelayedKeys<Key>()
    /// The task sleeping until `timerDeadline`, the earliest ready time; nil when nothing is delayed.
    var timer: Task<Void, Never>?
    var timerDeadline: Duration?
    var timerGeneration = 0

    /// - Parameters:
    ///   - rateLimiter: decides retry delays; nil means `defaultControllerRateLimiter` reading `clock`.
    ///   - clock: drives delayed adds (and the default rate limiter); tests pass a manual clock.
    public init(name: String, rateLimiter: (any RateLimiter<Key>)? = nil,
                clock: any Clock<Duration> = ContinuousClock()) {
        self.name = name
        self.rateLimiter = rateLimiter ?? MaxOfRateLimiter<Key>.defaultControllerRateLimiter(clock: clock)
        self.clock = DurationClock(clock)
    }

    deinit {
        timer?.cancel()
    }

    /// Queues `key` unless it is already queued. A key being processed is queued again when it is finished.
    /// Ignored after `shutDown()`.
    public func add(_ key: Key) {
        guard !isShuttingDown, dirty.insert(key).inserted else { return }
        guard !processing.contains(key) else { return }
        queue.append(key)
        handOutReadyKeys()
    }

    /// Returns the next ready key and marks it processing; the caller must `finish` it.
    ///
    /// Suspends while no key is ready. Returns nil after `shutDown()` once the queued keys are drained, and
    /// when the calling task is cancelled (before or while waiting), so a worker loop ends with its task.
    public func next() async -> Key? {
        while true {
            if Task.isCancelled { return nil }
            if let key = queue.popFirst() {
                startProcessing(key)
                return key
            }
            if isShuttingDown { return nil }
            let waiters = self.waiters
            let ticket = waiters.ticket()
            let wake = await withTaskCancellationHandler {
                await withCheckedContinuation { waiters.park(ticket, $0) }
            } onCancel: {
                waiters.cancel(ticket)
            }
            switch wake {
            case .key(let key): return key
            case .stop: return nil
            case .retry: continue
            }
        }
    }

    /// Ends processing of `key` and applies the outcome of its reconcile:
    /// - `.success`: forgets its retry history.
    /// - `.retry`: queues it again after the rate limiter's delay (`addRateLimited`).
    /// - `.requeueAfter(d)`: forgets its retry history and queues it again after `d` (periodic resync).
    /// If the key was added while it was processing, it is also queued again right away.
    public func finish(_ key: Key, result: ReconcileResult) {
        if processing.remove(key) != nil, dirty.contains(key) {
            queue.append(key)
            handOutReadyKeys()
        }
        switch result {
        case .success:
            rateLimiter.forget(key)
        case .retry:
            addRateLimited(key)
        case .requeueAfter(let delay):
            rateLimiter.forget(key)
            addAfter(key, delay: delay)
        }
    }

    /// Stops accepting keys, drops the delayed ones and wakes every waiting `next()` with nil. Keys already
    /// queued are still handed out. Idempotent.
    public func shutDown() {
        isShuttingDown = true
        delayed.removeAll()
        rescheduleTimer()
        for waiter in waiters.takeAll() { waiter.resume(returning: .stop) }
    }

    /// The number of keys ready to be handed out (not counting processing or delayed ones).
    public var count: Int { queue.count }

    /// How many times `key` was retried since its last success (as counted by the rate limiter).
    public func retries(_ key: Key) -> Int {
        rateLimiter.retries(key)
    }

    private func startProcessing(_ key: Key) {
        dirty.remove(key)
        processing.insert(key)
    }

    /// Gives queued keys to waiting workers, oldest key to the longest-waiting worker.
    private func handOutReadyKeys() {
        while !queue.isEmpty, let waiter = waiters.takeFirst() {
            let key = queue.popFirst()!
            startProcessing(key)
            waiter.resume(returning: .key(key))
        }
        if !queue.isEmpty { waiters.keysLeftQueued() }
    }
}
