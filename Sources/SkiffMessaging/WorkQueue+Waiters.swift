import Synchronization

/// The tasks suspended in `WorkQueue.next()`, kept outside the actor's isolation so a cancellation handler
/// (which runs synchronously, on any thread) can take its own continuation out and resume it with nil.
///
/// Each continuation is resumed exactly once: whoever removes it under the lock resumes it.
final class WorkQueueWaiters<Key: Sendable>: Sendable {
    typealias Continuation = CheckedContinuation<Key?, Never>

    private struct State {
        var nextTicket: UInt64 = 0
        /// Tickets handed out whose continuation is not parked yet.
        var unparked: Set<UInt64> = []
        /// Tickets cancelled before their continuation was parked.
        var cancelledEarly: Set<UInt64> = []
        /// Parked continuations, oldest first.
        var parked: [(ticket: UInt64, continuation: Continuation)] = []
    }

    private let state = Mutex(State())

    /// Reserves a place before suspending, so a cancellation that comes first is not lost.
    func ticket() -> UInt64 {
        state.withLock { state in
            state.nextTicket += 1
            state.unparked.insert(state.nextTicket)
            return state.nextTicket
        }
    }

    func park(_ ticket: UInt64, _ continuation: Continuation) {
        let cancelled = state.withLock { state in
            state.unparked.remove(ticket)
            if state.cancelledEarly.remove(ticket) != nil { return true }
            state.parked.append((ticket, continuation))
            return false
        }
        if cancelled { continuation.resume(returning: nil) }
    }

    /// Resumes the ticket's task with nil if it is still waiting; a task already given a key keeps it.
    func cancel(_ ticket: UInt64) {
        let continuation: Continuation? = state.withLock { state in
            if let index = state.parked.firstIndex(where: { $0.ticket == ticket }) {
                return state.parked.remove(at: index).continuation
            }
            if state.unparked.contains(ticket) { state.cancelledEarly.insert(ticket) }
            return nil
        }
        continuation?.resume(returning: nil)
    }

    /// How many tasks wait (for tests and metrics).
    var count: Int { state.withLock { $0.parked.count } }

    func takeFirst() -> Continuation? {
        state.withLock { $0.parked.isEmpty ? nil : $0.parked.removeFirst().continuation }
    }

    func takeAll() -> [Continuation] {
        state.withLock { state in
            defer { state.parked.removeAll() }
            return state.parked.map(\.continuation)
        }
    }
}
