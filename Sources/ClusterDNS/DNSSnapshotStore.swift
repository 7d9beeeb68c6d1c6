import SkiffDNS
import Synchronization

/// The snapshot the server answers from, swapped whole by the controller. A `Mutex` held only for a copy (a few
/// retains: the snapshot's tables are copy-on-write), so an event loop never waits on a rebuild, which happens
/// outside the lock.
public final class DNSSnapshotStore: Sendable {
    public let config: DNSConfig
    private let state: Mutex<DNSSnapshot>

    /// Starts at `DNSSnapshot.notReady`: in-zone queries get SERVFAIL until the first full sync.
    public init(config: DNSConfig, initial: DNSSnapshot = .notReady) {
        self.config = config
        state = Mutex(initial)
    }

    public var current: DNSSnapshot { state.withLock { $0 } }

    /// Swaps `snapshot` in; returns false (and keeps the old one) when it has the same content.
    @discardableResult
    public func replace(with snapshot: DNSSnapshot) -> Bool {
        state.withLock { current in
            guard !(current.isReady && snapshot.isReady && current.serial == snapshot.serial) else { return false }
            current = snapshot
            return true
        }
    }

    /// One packet in, at most one packet out (nil: drop), over the current snapshot.
    func answer(_ packet: [UInt8], over transport: DNSTransport) -> [UInt8]? {
        DNSResponder.respond(to: packet, over: transport, snapshot: current, config: config)
    }
}
