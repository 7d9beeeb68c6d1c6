import NIOCore
import Synchronization

/// The endpoints of one listener and how a connection picks among them: round robin, or the endpoint a client IP
/// used last while sessionAffinity ClientIP holds it.
///
/// Shared by the listener's connections on every event loop and swapped by `sync` without closing the listener,
/// hence a `Mutex` around a small value; nothing inside it awaits.
final class UserspaceBalancer: Sendable {
    private struct State {
        var endpoints: [EndpointInfo] = []
        var next = 0
        var affinity: SessionAffinity = .none
        /// Client IP -> endpoint and when the affinity lapses.
        var sticky: [String: (endpoint: EndpointInfo, until: NIODeadline)] = [:]
    }

    private let state = Mutex(State())

    init(endpoints: [EndpointInfo], affinity: SessionAffinity) {
        update(endpoints: endpoints, affinity: affinity)
    }

    var isEmpty: Bool { state.withLock { $0.endpoints.isEmpty } }

    /// Replaces the endpoints; clients stuck to an endpoint that went away are forgotten.
    func update(endpoints: [EndpointInfo], affinity: SessionAffinity) {
        state.withLock { state in
            state.endpoints = endpoints
            state.affinity = affinity
            if affinity == .none {
                state.sticky = [:]
            } else {
                let present = Set(endpoints)
                state.sticky = state.sticky.filter { present.contains($0.value.endpoint) }
            }
        }
    }

    /// Every endpoint once, in the order a connection from `client` should try them.
    func order(client: String?, now: NIODeadline = .now()) -> [EndpointInfo] {
        state.withLock { state in
            let list = state.endpoints
            guard !list.isEmpty else { return [] }
            if let client, state.affinity != .none, let entry = state.sticky[client], entry.until > now,
               let index = list.firstIndex(of: entry.endpoint) {
                return Array(list[index...] + list[..<index])
            }
            let start = state.next % list.count
            state.next = (start + 1) % list.count
            return Array(list[start...] + list[..<start])
        }
    }

    /// Records that `client` reached `endpoint`, so that affinity sends it there again.
    func used(_ endpoint: EndpointInfo, client: String?, now: NIODeadline = .now()) {
        guard let client else { return }
        state.withLock { state in
            guard let timeout = state.affinity.timeoutSeconds else { return }
            state.sticky[client] = (endpoint, now + .seconds(Int64(timeout)))
        }
    }
}
