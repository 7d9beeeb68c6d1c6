extension WorkQueue {
    /// Queues `key` once `delay` has passed on the queue's clock; at once when `delay` is not positive.
    /// If `key` is already waiting, the earlier of the two ready times is kept. Ignored after `shutDown()`.
    public func addAfter(_ key: Key, delay: Duration) {
        guard !isShuttingDown else { return }
        guard delay > .zero else { return add(key) }
        if delayed.insert(key, readyAt: clock.now() + delay) {
            rescheduleTimer()
        }
    }

    /// Queues `key` after the delay its rate limiter gives, counting one more retry of it.
    public func addRateLimited(_ key: Key) {
        guard !isShuttingDown else { return }  // not counted as a retry either
        addAfter(key, delay: rateLimiter.when(key))
    }

    /// Keeps exactly one timer task sleeping until the earliest ready time, or none when nothing waits.
    func rescheduleTimer() {
        let deadline = delayed.earliest
        if deadline == timerDeadline, timer != nil || deadline == nil { return }
        timer?.cancel()
        timer = nil
        timerDeadline = deadline
        guard let deadline else { return }
        timerGeneration += 1
        let generation = timerGeneration
        let clock = self.clock
        // Weak, so a sleeping timer does not keep an abandoned queue alive.
        timer = Task { [weak self] in
            do { try await clock.sleep(deadline) } catch { return }  // cancelled: a newer timer took over
            await self?.timerFired(generation)
        }
    }

    /// Queues every key whose time has come and arms the timer for the next one. A stale timer (one that
    /// woke just as it was replaced) only promotes what is ready, which is harmless.
    private func timerFired(_ generation: Int) {
        if generation == timerGeneration {
            timer = nil
            timerDeadline = nil
        }
        for key in delayed.popReady(now: clock.now()) {
            add(key)
        }
        rescheduleTimer()
    }
}
