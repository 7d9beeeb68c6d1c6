import Synchronization

extension LeaseReporter {
    /// A level-triggered flag the reporter's loop waits on, with a deadline.
    ///
    /// Not an `AsyncStream`: cancelling a task that awaits a stream's `next()` finishes the stream, so a stream
    /// awaited in a cancellable race against a sleep answers every later wait at once (the loop would spin).
    final class Wake: Sendable {
        private struct State {
            var raised = false
            var waiter: CheckedContinuation<Void, Never>?
            /// How many waits have started (for tests: a loop that does not park would count up fast).
            var waits = 0
        }
        private let state = Mutex(State())

        func raise() {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.raised = true
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }

        var waits: Int { state.withLock { $0.waits } }

        /// Returns (and lowers the flag) when it is raised, at `deadline` on `clock`, or when the task is cancelled.
        func wait(until deadline: Duration, clock: ElapsedClock) async {
            state.withLock { $0.waits += 1 }
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.waitRaised() }
                group.addTask { try? await clock.sleep(deadline) }
                await group.next()
                group.cancelAll()
            }
            state.withLock { $0.raised = false }
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
}
