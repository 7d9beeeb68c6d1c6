import Foundation
import Logging
import SkiffAPI
import Synchronization

/// Keeps a component's Lease renewed and, when the component reports progress, records the store revision it
/// has acted on in the Lease's `skiff.dev/programmed-revision` annotation (what `skiffctl apply --wait` reads).
///
/// `report` only records the newest revision; `run` writes it **at once** when the last write is at least
/// `minInterval` old (after a quiet spell a report costs one write's latency, not `minInterval` more), and
/// otherwise at `minInterval` after the last write, so a burst of reports becomes one write per `minInterval`
/// with the newest revision (the bounded-frequency runner's semantics: a minimum interval between writes, not a
/// delay before each). It also writes at least once per `renewInterval` (the heartbeat). A write that fails
/// (apiserver away) is retried after `retryInterval`; the Lease is created when missing.
public final class LeaseReporter: Sendable {
    public struct Options: Sendable {
        public var namespace: String
        public var name: String
        public var holder: String
        /// How long the Lease counts as held after a renewal (Kubernetes' node leases: 40 s).
        public var leaseDuration: Duration
        public var renewInterval: Duration
        /// Two writes start at least this far apart.
        public var minInterval: Duration
        /// After a failed write, the next is tried this much later.
        public var retryInterval: Duration

        public init(namespace: String = "kube-system", name: String, holder: String, leaseDuration: Duration = .seconds(40),
                    renewInterval: Duration = .seconds(10), minInterval: Duration = .milliseconds(50),
                    retryInterval: Duration = .seconds(1)) {
            self.namespace = namespace
            self.name = name
            self.holder = holder
            self.leaseDuration = leaseDuration
            self.renewInterval = renewInterval
            self.minInterval = minInterval
            self.retryInterval = retryInterval
        }
    }

    public let options: Options
    let writer: any LeaseWriter
    let logger: Logger
    private let clock: ElapsedClock
    private let state = Mutex<(revision: Int64?, written: Int64?)>((nil, nil))
    let wake = WakeSignal()

    public convenience init(client: APIClient, options: Options, logger: Logger) {
        self.init(writer: client, options: options, logger: logger, clock: ContinuousClock())
    }

    /// - Parameters: writer: where the Lease goes (the apiserver; a recorder in tests); clock: paces the writes.
    public init<C: Clock>(writer: any LeaseWriter, options: Options, logger: Logger, clock: C) where C.Duration == Duration {
        self.writer = writer
        self.options = options
        self.logger = logger
        self.clock = ElapsedClock(clock)
    }

    /// Records that everything through `revision` has been acted on.
    public func report(revision: Int64) {
        let changed = state.withLock { state -> Bool in
            guard revision > (state.revision ?? 0) else { return false }
            state.revision = revision
            return true
        }
        if changed { wake.raise() }
    }

    /// The revision last written to the Lease (nil: none yet).
    public var writtenRevision: Int64? { state.withLock { $0.written } }

    /// Renews and reports until the calling task is cancelled.
    public func run() async {
        var lastSuccess: Duration?
        var nextAllowed = Duration.zero
        while !Task.isCancelled {
            let (revision, written) = state.withLock { $0 }
            let now = clock.now()
            let renewDue = lastSuccess.map { now - $0 >= options.renewInterval } ?? true
            guard renewDue || revision != written else {
                let deadline = (lastSuccess ?? now) + options.renewInterval
                await wake.wait { [clock] in try await clock.sleep(deadline) }
                wake.clear()
                continue
            }
            if now < nextAllowed {
                // Within a burst (or before a retry): the newest revision goes out when the interval allows.
                do { try await clock.sleep(nextAllowed) } catch { return }
                continue
            }
            do {
                try await write(revision: revision)
                state.withLock { $0.written = revision }
                lastSuccess = now
                nextAllowed = now + options.minInterval
            } catch {
                logger.debug("lease write failed; retrying", metadata: ["lease": "\(options.namespace)/\(options.name)", "error": "\(error)"])
                nextAllowed = clock.now() + options.retryInterval
            }
        }
    }

    private func write(revision: Int64?) async throws(APIError) {
        var lease = Lease(metadata: ObjectMeta(name: options.name, namespace: options.namespace))
        lease.spec = LeaseSpec(holderIdentity: options.holder, leaseDurationSeconds: Int(options.leaseDuration.components.seconds),
                               renewTime: MicroTime.now())
        if let revision { lease.metadata.annotations = [Lease.programmedRevisionAnnotation: String(revision)] }
        try await writer.put(lease)
    }
}

/// Where a `LeaseReporter` writes: replace the Lease, or create it (with `acquireTime`) when it is missing.
public protocol LeaseWriter: Sendable {
    func put(_ lease: Lease) async throws(APIError)
}

extension APIClient: LeaseWriter {
    public func put(_ lease: Lease) async throws(APIError) {
        do {
            _ = try await update(lease)
        } catch {
            guard error.isNotFound else { throw error }
            var lease = lease
            let renewed = lease.spec?.renewTime
            lease.spec?.acquireTime = renewed
            _ = try await create(lease)
        }
    }
}

/// A clock reduced to elapsed durations since it was wrapped, so that a non-generic type can be driven by any
/// `Clock` (a `TestClock` in tests).
struct ElapsedClock: Sendable {
    let now: @Sendable () -> Duration
    let sleep: @Sendable (Duration) async throws -> Void

    init<C: Clock>(_ clock: C) where C.Duration == Duration {
        let start = clock.now
        now = { start.duration(to: clock.now) }
        sleep = { try await clock.sleep(until: start.advanced(by: $0), tolerance: nil) }
    }
}
