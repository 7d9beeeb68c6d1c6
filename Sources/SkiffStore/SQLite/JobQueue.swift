import Dispatch
import Synchronization

/// A queue from async callers to the store's dedicated threads (the writer, or the readers).
///
/// The jobs sit behind a `Mutex`; a counting semaphore wakes the threads. Every `submit` appends and then signals
/// once, and every wake-up takes at most what is queued, so a queued job always has a pending signal and no wake-up
/// is lost; a wake-up that finds the queue empty (its job was taken along with an earlier one) just waits again.
/// `close` refuses new jobs and signals once per thread, so each thread wakes, finishes what is queued and exits.
final class JobQueue<Job: Sendable>: Sendable {
    private struct State {
        var jobs: [Job] = []
        var closed = false
        var running: Int
        var exitWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>
    private let wakeup = DispatchSemaphore(value: 0)
    private let threads: Int

    init(threads: Int) {
        self.threads = threads
        state = Mutex(State(running: threads))
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Jobs waiting for a thread (tests use it to line up a batch).
    var count: Int { state.withLock { $0.jobs.count } }

    /// Queues `job`; false (and nothing queued) once the queue is closed.
    func submit(_ job: Job) -> Bool {
        let accepted = state.withLock { state in
            guard !state.closed else { return false }
            state.jobs.append(job)
            return true
        }
        if accepted { wakeup.signal() }
        return accepted
    }

    /// Blocks the calling thread until there is work, then takes jobs in order while their total `weight` stays
    /// within `limit` (always at least one). Returns nil when the queue is closed and empty: the thread should exit.
    func take(limit: Int, weight: (Job) -> Int) -> [Job]? {
        while true {
            wakeup.wait()
            let taken: [Job]? = state.withLock { state in
                if state.jobs.isEmpty { return state.closed ? nil : [] }
                var count = 1
                var total = weight(state.jobs[0])
                while count < state.jobs.count, total + weight(state.jobs[count]) <= limit {
                    total += weight(state.jobs[count])
                    count += 1
                }
                let taken = Array(state.jobs.prefix(count))
                state.jobs.removeFirst(count)
                return taken
            }
            guard let taken else { return nil }
            if !taken.isEmpty { return taken }
        }
    }

    /// Refuses new jobs; the threads drain what is queued, then exit. Idempotent.
    func close() {
        let first = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        if first {
            for _ in 0..<threads { wakeup.signal() }
        }
    }

    /// Called by each thread as its very last action.
    func threadExited() {
        let waiters = state.withLock { state in
            state.running -= 1
            guard state.running == 0 else { return [CheckedContinuation<Void, Never>]() }
            defer { state.exitWaiters = [] }
            return state.exitWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once every thread has exited.
    func waitForThreads() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if state.running == 0 { return true }
                state.exitWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
        }
    }
}
