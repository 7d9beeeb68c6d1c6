import Synchronization

/// A level-triggered flag one task waits on, racing a sleep: the bounded-frequency runner's and the Lease
/// reporter's "something changed" signal.
///
/// Not an `AsyncStream`: cancelling a task that awaits a stream's `next()` finishes the stream, so a stream
/// awaited in a cancellable race against a sleep answers every later wait at once (the loop would spin).
public final class WakeSignal: Sendable {
    private struct State {
        var raised = false
        var waiter: CheckedContinuation<Void, Never>?
        /// How many waits have started (for tests: a loop that does not park counts up fast).
        var waits = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// Raises the flag and wakes the waiter, if any.
    public func raise() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.raised = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Lowers the flag: raises before this no longer end a wait.
    public func clear() { state.withLock { $0.raised = false } }

    public var waits: Int { state.withLock { $0.waits } }

    /// Returns when the flag is raised (it stays raised: `clear` lowers it), when `sleep` returns or throws, or
    /// when the task is cancelled.
    public func wait(_ sleep: @escaping @Sendable () async throws -> Void) async {
        state.withLock { $0.waits += 1 }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitRaised() }
            group.addTask { try? await sleep() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitRaised() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    // Cancellation is flagged before onCancel runs, and both take this lock: no lost wake-up.
                    if state.raised || Task.isCancelled { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
