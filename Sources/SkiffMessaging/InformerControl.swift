import Synchronization

/// Why an informer lists (again).
enum InformerListReason: Sendable, Equatable {
    /// The watch connection is live for the first time, or again after a reconnect.
    case connected
    /// A message was lost (the revision chain broke), or a list was older than what the cache holds.
    case gap
    /// The apiserver restarted.
    case epochChanged
    /// An event's object did not decode.
    case decodeError
}

/// What the socket thread asks of the informer's async side: (re)connect the watch, or list. Requests
/// coalesce: only the newest list matters (older generations would be ignored anyway), and a reconnect
/// supersedes a list, which the socket thread asks for again once the new connection is live.
final class InformerControl: Sendable {
    struct ListRequest: Sendable, Equatable {
        /// The socket thread applies only the list of the generation it asked for last.
        var generation: UInt64
        var reason: InformerListReason
        /// A bookmark confirmed the chain since the previous list: the subscriber is keeping up, no backoff.
        var healthy: Bool
    }

    struct Wants: Sendable, Equatable {
        var reconnect = false
        var list: ListRequest?
    }

    private let wants = Mutex(Wants(reconnect: true))
    private let wake: AsyncStream<Void>.Continuation
    /// Yields whenever something was requested; the informer's driver waits on it.
    let wakes: AsyncStream<Void>

    init() {
        (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func requestReconnect() {
        wants.withLock { $0.reconnect = true }
        wake.yield()
    }

    func requestList(_ request: ListRequest) {
        wants.withLock { $0.list = request }
        wake.yield()
    }

    /// Puts back a list that failed, unless a newer one was asked for meanwhile.
    func retryList(_ request: ListRequest) {
        wants.withLock { wants in
            if wants.list == nil { wants.list = request }
        }
    }

    /// Takes everything requested so far.
    func take() -> Wants {
        wants.withLock { wants in
            defer { wants = Wants() }
            return wants
        }
    }

    func finish() {
        wake.finish()
    }
}
