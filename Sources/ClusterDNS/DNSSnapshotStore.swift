import SkiffDNS
import Synchronization

/// The snapshot the server answers from, swapped whole by the controller.
///
/// The query path does not take the lock: each socket handler keeps its own copy in a `Reader` and checks an
/// atomic generation per query (one load); only after a swap does it take the lock once, to copy the
/// new snapshot (a few retains: the snapshot's tables are copy-on-write). So event loops neither wait on each other
/// nor bounce the snapshot's reference counts between cores.
public final class DNSSnapshotStore: Sendable {
    public let config: DNSConfig
    private let state: Mutex<(snapshot: DNSSnapshot, generation: UInt64)>
    private let generation = Atomic<UInt64>(0)

    /// Starts at `DNSSnapshot.notReady`: in-zone queries get SERVFAIL until the first full sync.
    public init(config: DNSConfig, initial: DNSSnapshot = .notReady) {
        self.config = config
        state = Mutex((initial, 0))
    }

    public var current: DNSSnapshot { state.withLock { $0.snapshot } }

    /// Swaps `snapshot` in (the controller swaps only when something changed).
    public func replace(with snapshot: DNSSnapshot) {
        state.withLock { state in
            state.snapshot = snapshot
            state.generation &+= 1
            generation.store(state.generation, ordering: .releasing)
        }
    }

    /// One event loop's view of the store: the snapshot it answers from and the generation it was swapped in at.
    struct Reader {
        let store: DNSSnapshotStore
        private var snapshot: DNSSnapshot
        private var generation: UInt64
        /// Whether the snapshot's answer table was made for this server's config (checked once per swap).
        private var tableUsable: Bool

        init(_ store: DNSSnapshotStore) {
            self.store = store
            (snapshot, generation) = store.state.withLock { ($0.snapshot, $0.generation) }
            tableUsable = snapshot.answers.config == store.config
        }

        private mutating func refresh() {
            guard store.generation.load(ordering: .acquiring) != generation else { return }
            (snapshot, generation) = store.state.withLock { ($0.snapshot, $0.generation) }
            tableUsable = snapshot.answers.config == store.config
        }

        /// One packet in, at most one packet out (nil: drop), over the newest snapshot.
        mutating func answer(_ packet: [UInt8], over transport: DNSTransport) -> [UInt8]? {
            refresh()
            return DNSResponder.respond(to: packet, over: transport, snapshot: snapshot, config: store.config)
        }

        /// The UDP fast path: the answer written into `out` from the snapshot's answer table, or nil (use `answer`).
        mutating func fastAnswer(_ query: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> DNSFastPath.Answered? {
            refresh()
            guard tableUsable else { return nil }
            return DNSFastPath.respond(to: query, answers: snapshot.answers, advertisedPayload: store.config.maxUDPPayload, into: out)
        }
    }
}
