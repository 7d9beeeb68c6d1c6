import Synchronization

/// The tasks suspended in `WorkQueue.next()`, kept outside the actor's isolation so a cancellation handler
/// (which runs synchronously, on any thread) can take its own continuation out and resume it with nil.
///
/// Each continuation is resumed exactly once: whoever removes it under the lock resumes it.
final class WorkQueueWaiters<Key: Sendable>: Sendable {
    typealias Continuation = CheckedContinuation<Wake, Never>

    /// Why a parked `next()` resumes.
    enum Wake: Sendable {
        /// Here is a key to process.
        case key(Key)
        /// Keys were queued while this waiter was between its ticket and parking: look at the queue again.
        case retry
        /// Shut down or cancelled: return nil.
        case stop
    }

    private struct State {
        var nextTicket: UInt64 = 0
        /// Tickets handed out whose continuation is not parked yet.
        var unparked: Set<UInt64> = []
        /// Tickets cancelled before their continuation was parked.
        var cancelledEarly: Set<UInt64> = []
        /// Tickets not yet parked when keys were left queued with no parked waiter to take them.
        var missedKeys: Set<UInt64> = []
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
        let wake: Wake? = state.withLock { state in
            state.unparked.remove(ticket)
            let missed = state.missedKeys.remove(ticket) != nil
            if state.cancelledEarly.remove(ticket) != nil { return .stop }
            if missed { return .retry }
            state.parked.append((ticket, continuation))
            return nil
        }
        if let wake { continuation.resume(returning: wake) }
    }

    /// Keys are queued and no waiter is parked to take them: a waiter between its ticket and parking (the queue's
    /// actor may run in that window) must look at the queue again instead of sleeping.
    func keysLeftQueued() {
        state.withLock { state in state.missedKeys.formUnion(state.unparked) }
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
        continuation?.resume(returning: .stop)
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
