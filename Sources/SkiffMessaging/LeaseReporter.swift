import Foundation
import Logging
import SkiffAPI
import Synchronization

/// Keeps a component's Lease renewed and, when the component reports progress, records the store revision it
/// has acted on in the Lease's `skiff.dev/programmed-revision` annotation (what `skiffctl apply --wait` reads).
///
/// `report` only records the newest revision; `run` writes at most once per `minInterval` (a burst of syncs
/// becomes one write) and at least once per `renewInterval` (the heartbeat). A write that fails (apiserver
/// away) is retried at the next tick; the Lease is created when missing.
public final class LeaseReporter: Sendable {
    public struct Options: Sendable {
        public var namespace: String
        public var name: String
        public var holder: String
        /// How long the Lease counts as held after a renewal (Kubernetes' node leases: 40 s).
        public var leaseDuration: Duration
        public var renewInterval: Duration
        public var minInterval: Duration

        public init(namespace: String = "kube-system", name: String, holder: String, leaseDuration: Duration = .seconds(40),
                    renewInterval: Duration = .seconds(10), minInterval: Duration = .milliseconds(50)) {
            self.namespace = namespace
            self.name = name
            self.holder = holder
            self.leaseDuration = leaseDuration
            self.renewInterval = renewInterval
            self.minInterval = minInterval
        }
    }

    public let options: Options
    let client: APIClient
    let logger: Logger
    private let state = Mutex<(revision: Int64?, written: Int64?)>((nil, nil))
    private let wake: AsyncStream<Void>.Continuation
    private let wakes: AsyncStream<Void>

    public init(client: APIClient, options: Options, logger: Logger) {
        self.client = client
        self.options = options
        self.logger = logger
        (wakes, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Records that everything through `revision` has been acted on.
    public func report(revision: Int64) {
        let changed = state.withLock { state -> Bool in
            guard revision > (state.revision ?? 0) else { return false }
            state.revision = revision
            return true
        }
        if changed { wake.yield() }
    }

    /// Renews and reports until the calling task is cancelled.
    public func run() async {
        var lastWrite = ContinuousClock.now - options.renewInterval
        while !Task.isCancelled {
            let (revision, written) = state.withLock { $0 }
            let due = ContinuousClock.now - lastWrite >= options.renewInterval
            if due || revision != written {
                do {
                    try await write(revision: revision)
                    state.withLock { $0.written = revision }
                    lastWrite = .now
                } catch {
                    logger.debug("lease write failed; retrying", metadata: ["lease": "\(options.namespace)/\(options.name)", "error": "\(error)"])
                }
            }
            // Sleep until the next renewal, or a report (after the minimum interval).
            await withTaskGroup(of: Void.self) { group in
                group.addTask { [wakes] in for await _ in wakes { return } }
                group.addTask { [options] in try? await Task.sleep(for: options.renewInterval) }
                await group.next()
                group.cancelAll()
            }
            try? await Task.sleep(for: options.minInterval)
        }
    }

    private func write(revision: Int64?) async throws(APIError) {
        var lease = Lease(metadata: ObjectMeta(name: options.name, namespace: options.namespace))
        let now = MicroTime.now()
        lease.spec = LeaseSpec(holderIdentity: options.holder, leaseDurationSeconds: Int(options.leaseDuration.components.seconds),
                               renewTime: now)
        if let revision { lease.metadata.annotations = [Lease.programmedRevisionAnnotation: String(revision)] }
        do {
            _ = try await client.update(lease)
        } catch {
            guard error.isNotFound else { throw error }
            lease.spec?.acquireTime = now
            _ = try await client.create(lease)
        }
    }
}
