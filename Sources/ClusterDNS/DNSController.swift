import Logging
import SkiffAPI
import SkiffDNS
import SkiffMessaging
import SkiffMetrics
import Synchronization

/// Feeds the DNS server: informers for Services, EndpointSlices and Namespaces (and Pods when pod records are
/// `verified`), and one rebuild loop that turns their caches into a `DNSSnapshot` and swaps it into the store.
///
/// The contract:
/// - Until every informer has synced the store keeps `DNSSnapshot.notReady` (SERVFAIL, never a false NXDOMAIN).
/// - Handlers only signal; the first change after a quiet period is rebuilt at once, and a burst becomes few
///   rebuilds: after each rebuild the loop pauses as long as that rebuild took (at most `minRebuildInterval`), so
///   rebuilding takes at most about half a core and small zones are programmed within a millisecond or two. The
///   latest state is always rebuilt after the last change.
/// - After every rebuild `programmed` (when given) says which resourceVersion of each Service is served.
/// - While the apiserver is away the informers keep their caches, so the last good snapshot keeps being served;
///   their relist when it is back arrives as ordinary changes (a Service deleted meanwhile disappears).
public final class DNSController: Sendable {
    public struct Options: Sendable {
        public var informer: InformerOptions
        /// The longest pause between two rebuilds during a burst (the pause is the last rebuild's duration, capped).
        public var minRebuildInterval: Duration
        /// Watch Pods (for `--pods verified`).
        public var watchPods: Bool

        public init(informer: InformerOptions = .init(), minRebuildInterval: Duration = .milliseconds(50), watchPods: Bool = false) {
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

    public init(connection: Connection, store: DNSSnapshotStore, options: Options = .init(),
                metrics: DNSMetrics? = nil, programmed: ProgrammedRevisions? = nil, progress: LeaseReporter? = nil,
                clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger = Logger(label: "skiff.cluster-dns")) throws(MessagingError) {
        self.store = store
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
        // One pending signal is enough: a rebuild reads the caches as they are then.
        let (changes, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.changes = changes
        let signal = ChangeSignal(continuation)
        self.signal = signal
        services.addHandlers(onAdd: { _ in signal.yield() }, onUpdate: { _, _ in signal.yield() }, onDelete: { _ in signal.yield() })
        slices.addHandlers(onAdd: { _ in signal.yield() }, onUpdate: { _, _ in signal.yield() }, onDelete: { _ in signal.yield() })
        namespaces.addHandlers(onAdd: { _ in signal.yield() }, onDelete: { _ in signal.yield() })
        pods?.addHandlers(onAdd: { _ in signal.yield() }, onUpdate: { old, new in
            if old.status?.podIP != new.status?.podIP || old.status?.podIPs != new.status?.podIPs { signal.yield() }
        }, onDelete: { _ in signal.yield() })
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
        publish()
        logger.info("caches synced; answering from \(store.current.services.count) services")
        for await _ in changes {
            let took = publish()
            let pause = min(took, options.minRebuildInterval)
            do { try await clock.sleep(for: pause) } catch { return }
        }
    }

    /// The revision through which every Service and EndpointSlice change (and Pod change, for verified pod
    /// records) is in the caches: what a rebuild from them serves. Namespaces only decide whether names under a
    /// deleted namespace still answer, and their informer is idle most of the time, so they do not hold it back.
    var servedRevision: Int64 {
        min(services.lastSyncRevision, slices.lastSyncRevision, pods?.lastSyncRevision ?? .max)
    }

    /// Moves the served revision forward while nothing changes: the informers' bookmarks advance their revisions
    /// without a change to rebuild for, and `apply --wait` would otherwise wait for the next change. The claim is
    /// made only when no change is pending; a change whose handler has not run yet when the informer already counts
    /// it is the one gap (a handler runs right after the cache update, milliseconds at most), and the rebuild it
    /// triggers follows at once.
    func catchUpLoop() async {
        guard await waitForSync() else { return }
        while !Task.isCancelled {
            do { try await clock.sleep(for: options.informer.bookmarkInterval) } catch { return }
            guard !signal.isPending else { continue }
            let revision = servedRevision
            programmed?.advance(to: revision)
            progress?.report(revision: revision)
        }
    }

    /// Builds a snapshot from the caches and swaps it in when its content differs; returns how long that took.
    @discardableResult
    func publish() -> Duration {
        let start = ContinuousClock.now
        let arrived = signal.take()
        // The revision first: the caches read below hold at least every change up to it.
        let revision = servedRevision
        let serviceList = services.list()
        let snapshot = Self.snapshot(services: serviceList, slices: slices.list(), namespaces: namespaces.list(), pods: pods?.list())
        let swapped = store.replace(with: snapshot)
        let end = ContinuousClock.now
        if let programmed { programmed.publish(services: Self.programmedVersions(serviceList), revision: revision) }
        progress?.report(revision: revision)
        if let metrics {
            metrics.rebuildDuration.recordNanoseconds((end - start).nanoseconds)
            if let arrived { metrics.programmingLatency.recordNanoseconds((end - arrived).nanoseconds) }
            metrics.services.record(snapshot.services.count)
            metrics.endpoints.record(snapshot.services.values.reduce(0) { $0 + $1.endpoints.count })
        }
        if swapped {
            logger.debug("new DNS snapshot", metadata: ["serial": "\(snapshot.serial)", "services": "\(snapshot.services.count)"])
        }
        return end - start
    }

    /// "namespace/name" -> resourceVersion of every Service in the cache (what the snapshot built from it serves).
    static func programmedVersions(_ services: [Service]) -> [String: String] {
        var versions: [String: String] = [:]
        versions.reserveCapacity(services.count)
        for service in services {
            guard let name = service.metadata.name, let namespace = service.metadata.namespace else { continue }
            versions["\(namespace)/\(name)"] = service.metadata.resourceVersion ?? ""
        }
        return versions
    }

    /// The snapshot for these objects; `pods` nil when pod records are not verified.
    static func snapshot(services: [Service], slices: [EndpointSlice], namespaces: [Namespace], pods: [Pod]?) -> DNSSnapshot {
        var podIPs: [String: [String]] = [:]
        for pod in pods ?? [] {
            let ips = pod.status?.podIPs?.map(\.ip) ?? pod.status?.podIP.map { [$0] } ?? []
            if !ips.isEmpty { podIPs[pod.namespace, default: []].append(contentsOf: ips) }
        }
        return DNSSnapshot(services: services, endpointSlices: slices, podIPs: podIPs, namespaces: namespaces.compactMap(\.metadata.name))
    }
}

/// A handler's only action: note when the oldest change not yet programmed arrived (for the programming latency),
/// and wake the rebuild loop.
final class ChangeSignal: Sendable {
    private let continuation: AsyncStream<Void>.Continuation
    private let since = Mutex<ContinuousClock.Instant?>(nil)

    init(_ continuation: AsyncStream<Void>.Continuation) { self.continuation = continuation }

    func yield() {
        since.withLock { if $0 == nil { $0 = .now } }
        continuation.yield()
    }

    /// Whether a change arrived that no rebuild has taken yet.
    var isPending: Bool { since.withLock { $0 != nil } }

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
