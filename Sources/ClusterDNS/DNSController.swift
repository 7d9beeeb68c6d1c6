import Logging
import SkiffAPI
import SkiffDNS
import SkiffMessaging
import SkiffMetrics
import Synchronization

/// Feeds the DNS server: informers for Services, EndpointSlices and Namespaces (and Pods when pod records are
/// `verified`), and one rebuild loop that applies what changed to a `DNSSnapshotBuilder` and swaps its snapshot
/// into the store.
///
/// The contract:
/// - Until every informer has synced the store keeps `DNSSnapshot.notReady` (SERVFAIL, never a false NXDOMAIN).
/// - A rebuild is incremental: the `DNSChangeTap` names the Services (and Namespaces, Pods) that changed, and only
///   those are rebuilt from the caches; the rest of the zone is shared with the previous snapshot.
/// - The first change after a quiet period is published at once; during a burst, publishes are at least
///   `minRebuildInterval` apart (or as long as the last one took, if longer), and each covers every change since
///   the previous one. The latest state is always published after the last change.
/// - After every publish, `programmed` (when given) says which resourceVersion of each Service is served, and
///   the revision reported (there and to the Lease) is one through which every change is in the published
///   snapshot: it is read before the changes are taken (see `DNSChangeTap`). A Service's entry moves only once
///   the snapshot with its records is swapped in.
/// - While the apiserver is away the informers keep their caches, so the last good snapshot keeps being served;
///   their relist when it is back arrives as ordinary changes (a Service deleted meanwhile disappears).
public final class DNSController: Sendable {
    public struct Options: Sendable {
        public var informer: InformerOptions
        /// The shortest time between two publishes during a burst of changes.
        public var minRebuildInterval: Duration
        /// Watch Pods (for `--pods verified`).
        public var watchPods: Bool

        public init(informer: InformerOptions = .init(), minRebuildInterval: Duration = .milliseconds(5), watchPods: Bool = false) {
            self.informer = informer
            self.minRebuildInterval = minRebuildInterval
            self.watchPods = watchPods
        }
    }

    public let services: Informer<Service>
    public let slices: Informer<EndpointSlice>
    public let namespaces: Informer<Namespace>
    public let pods: Informer<Pod>?
    public let store: DNSSnapshotStore
    public let options: Options
    let clock: any Clock<Duration>
    let logger: Logger
    let metrics: DNSMetrics?
    public let programmed: ProgrammedRevisions?
    /// Renews `kube-system/coredns-controller` with the revision served (skiffctl apply --wait reads it), when given.
    public let progress: LeaseReporter?
    private let changes: AsyncStream<Void>
    private let signal: ChangeSignal
    let tap: DNSChangeTap
    /// Only the rebuild loop uses it; the lock is never contended.
    private let builder: Mutex<DNSSnapshotBuilder>

    public init(connection: Connection, store: DNSSnapshotStore, options: Options = .init(),
                metrics: DNSMetrics? = nil, programmed: ProgrammedRevisions? = nil, progress: LeaseReporter? = nil,
                clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger = Logger(label: "skiff.cluster-dns")) throws(MessagingError) {
        self.store = store
        // The snapshots carry answers made for the server's config: the UDP fast path (`DNSFastPath`).
        builder = Mutex(DNSSnapshotBuilder(answering: store.config))
        self.progress = progress
        self.metrics = metrics
        self.programmed = programmed
        self.options = options
        self.clock = clock
        self.logger = logger
        services = try Informer(connection: connection, options: options.informer, clock: clock, logger: logger)
        slices = try Informer(connection: connection, options: options.informer, clock: clock, logger: logger)
        namespaces = try Informer(connection: connection, options: options.informer, clock: clock, logger: logger)
        pods = options.watchPods ? try Informer(connection: connection, options: options.informer, clock: clock, logger: logger) : nil
        // One pending signal is enough: a rebuild takes every change recorded by then.
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.changes = changes
        let signal = ChangeSignal(continuation)
        self.signal = signal
        tap = DNSChangeTap(onChange: { signal.yield() })
        tap.install(services: services, slices: slices, namespaces: namespaces, pods: pods)
    }

    /// Runs the informers and the rebuild loop until the calling task is cancelled.
    public func runUntilCancelled() async {
        await withDiscardingTaskGroup { group in
            group.addTask { try? await self.services.run() }
            group.addTask { try? await self.slices.run() }
            group.addTask { try? await self.namespaces.run() }
            if let pods = self.pods { group.addTask { try? await pods.run() } }
            group.addTask { await self.rebuildLoop() }
            group.addTask { await self.catchUpLoop() }
            if let progress = self.progress { group.addTask { await progress.run() } }
        }
    }

    /// Waits until every informer has synced; false if one stopped or the task was cancelled first.
    public func waitForSync() async -> Bool {
        guard await services.waitForSync(), await slices.waitForSync(), await namespaces.waitForSync() else { return false }
        return await pods?.waitForSync() ?? true
    }

    func rebuildLoop() async {
        guard await waitForSync() else { return }
        let first = publish(initial: true)
        logger.info("caches synced; answering from \(store.current.services.count) services (built in \(first))")
        for await _ in changes {
            let took = publish()
            do { try await clock.sleep(for: max(took, options.minRebuildInterval)) } catch { return }
        }
    }

    /// The revision through which every Service and EndpointSlice change (and Pod change, for verified pod
    /// records) is in the caches. Namespaces only decide whether names under a deleted namespace still answer,
    /// and their informer is idle most of the time, so they do not hold it back.
    var servedRevision: Int64 {
        min(services.lastSyncRevision, slices.lastSyncRevision, pods?.lastSyncRevision ?? .max)
    }

    /// Moves the served revision forward while nothing changes: the informers' bookmarks advance their revisions
    /// without a change to rebuild for, and `apply --wait` would otherwise wait for the next change. The claim is
    /// made under the builder's lock, which a publish holds from taking the changes to reporting them, and only
    /// when the tap holds no change: every change through the revision read is then published.
    func catchUpLoop() async {
        guard await waitForSync() else { return }
        while !Task.isCancelled {
            do { try await clock.sleep(for: options.informer.bookmarkInterval) } catch { return }
            builder.withLock { _ in
                let revision = servedRevision
                guard !tap.isPending else { return }
                programmed?.advance(to: revision)
                progress?.report(revision: revision)
            }
        }
    }

    /// Rebuilds what changed since the last publish, swaps the snapshot in when an answer can have changed, and
    /// reports what is served; returns how long that took. `initial`: the first publish after the sync, swapped in
    /// even when the cluster is empty.
    @discardableResult
    func publish(initial: Bool = false) -> Duration {
        let start = ContinuousClock.now
        let arrived = signal.take()
        let (result, rebuilt) = builder.withLock { builder in
            // The revision first: every change through it is in the tap now (see DNSChangeTap).
            let revision = servedRevision
            let work = tap.drain()
            let result = apply(work, to: &builder)
            if result.changed || initial { store.replace(with: result.snapshot) }
            // Only now that the records are served.
            programmed?.apply(changed: result.versions, removed: result.removed, revision: revision)
            progress?.report(revision: revision)
            return (result, work.services.count)
        }
        let end = ContinuousClock.now
        if let metrics {
            metrics.rebuildDuration.recordNanoseconds((end - start).nanoseconds)
            if let arrived { metrics.programmingLatency.recordNanoseconds((end - arrived).nanoseconds) }
            metrics.services.record(result.snapshot.services.count)
            metrics.endpoints.record(result.snapshot.endpointCount)
        }
        if result.changed {
            logger.debug("new DNS snapshot", metadata: [
                "serial": "\(result.snapshot.serial)", "services": "\(result.snapshot.services.count)",
                "rebuilt": "\(rebuilt)", "took": "\(end - start)",
            ])
        }
        return end - start
    }

    struct Applied {
        var snapshot: DNSSnapshot
        var changed = false
        /// "namespace/name" -> resourceVersion of the Services rebuilt, and the ones gone.
        var versions: [String: String] = [:]
        var removed: [String] = []
    }

    /// Rebuilds the changed objects from the informers' caches into `builder`.
    private func apply(_ work: DNSChangeTap.Changes, to builder: inout DNSSnapshotBuilder) -> Applied {
        var result = Applied(snapshot: .notReady)
        for ref in work.services {
            let service = services.get(namespace: ref.namespace, name: ref.name)
            let owned = service == nil ? [] : slices.byLabel(EndpointSlice.serviceNameLabel, ref.name).filter { $0.namespace == ref.namespace }
            let key = DNSSnapshot.ServiceKey(namespace: ref.namespace, name: ref.name)
            if builder.update(service: key, to: service, slices: owned) { result.changed = true }
            if let service {
                result.versions["\(ref.namespace)/\(ref.name)"] = service.metadata.resourceVersion ?? ""
            } else {
                result.removed.append("\(ref.namespace)/\(ref.name)")
            }
        }
        for name in work.namespaces {
            if builder.update(namespace: name, exists: namespaces.get(name: name) != nil) { result.changed = true }
        }
        if let pods {
            for ref in work.pods {
                let pod = pods.get(namespace: ref.namespace, name: ref.name)
                let ips = pod.map { $0.status?.podIPs?.map(\.ip) ?? $0.status?.podIP.map { [$0] } ?? [] } ?? []
                if builder.update(pod: "\(ref.namespace)/\(ref.name)", namespace: ref.namespace, ips: ips) { result.changed = true }
            }
        }
        result.snapshot = builder.snapshot
        return result
    }
}

/// The change tap's only action besides recording: note when the oldest change not yet programmed arrived (for the
/// programming latency), and wake the rebuild loop.
final class ChangeSignal: Sendable {
    private let continuation: AsyncStream<Void>.Continuation
    private let since = Mutex<ContinuousClock.Instant?>(nil)

    init(_ continuation: AsyncStream<Void>.Continuation) { self.continuation = continuation }

    func yield() {
        since.withLock { if $0 == nil { $0 = .now } }
        continuation.yield()
    }

    /// The arrival of the oldest pending change, and forgets it (the rebuild about to run includes it).
    func take() -> ContinuousClock.Instant? {
        since.withLock { pending in
            defer { pending = nil }
            return pending
        }
    }
}

extension Duration {
    /// Whole nanoseconds (saturating), for swift-metrics timers.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
