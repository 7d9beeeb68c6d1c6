/// A subscriber's check of the watch stream, the Clone pattern's sequence check made per topic.
///
/// `verified` is the revision through which the subscriber knows every change on its chain: the list's revision
/// after a list, then each event applied and each bookmark that confirms nothing is missing. A message is
/// accepted only if the previous revision it names on the subscriber's chain (the kind for an all-namespace
/// subscriber, the kind+namespace topic for a one-namespace one) is not newer than `verified`; otherwise a
/// message in between was lost (`gap`). A bookmark names the chain's current head, so it also reveals a lost
/// *last* event, which no later event would. A message from another epoch (the apiserver restarted) is never
/// judged by the old chain.
struct WatchChain: Sendable, Equatable {
    enum Verdict: Sendable, Equatable {
        /// A new event in sequence: apply it.
        case apply
        /// An event the subscriber already has (its revision is not newer than `verified`).
        case skip
        /// A bookmark that confirms the chain; `verified` moved to its revision.
        case confirmed
        /// A message is missing: the chain names `previous`, newer than `verified`. Relist.
        case gap(verified: Int64, previous: Int64)
        /// The message is from another publisher epoch. Relist.
        case epochChanged(from: UInt64, to: UInt64)
    }

    /// Follow the kind+namespace chain (a subscriber of one namespace) rather than the kind's.
    let followsTopic: Bool
    /// The epoch of the publisher the chain belongs to; nil until the first message.
    private(set) var epoch: UInt64?
    private(set) var verified: Int64 = 0

    init(followsTopic: Bool) {
        self.followsTopic = followsTopic
    }

    /// Adopts the epoch of the publisher the subscriber is now connected to.
    mutating func adopt(epoch: UInt64) {
        self.epoch = epoch
    }

    /// After a list at `revision`: everything up to it is known.
    mutating func listed(at revision: Int64) {
        verified = revision
    }

    /// Judges the next message of the stream (messages of one connection arrive in publishing order).
    mutating func check(_ message: WatchMessage) -> Verdict {
        if let epoch, epoch != message.epoch { return .epochChanged(from: epoch, to: message.epoch) }
        let previous = followsTopic ? message.previousOnTopic : message.previousOnKind
        if message.type == .bookmark {
            guard previous <= verified else { return .gap(verified: verified, previous: previous) }
            verified = max(verified, message.revision)
            return .confirmed
        }
        if message.revision <= verified { return .skip }
        guard previous <= verified else { return .gap(verified: verified, previous: previous) }
        verified = message.revision
        return .apply
    }
}
