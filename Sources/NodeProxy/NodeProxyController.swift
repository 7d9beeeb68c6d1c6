import Logging
import SkiffAPI
import SkiffMessaging
import SkiffMetrics

/// The node proxy: informers for Services and EndpointSlices feed a change tracker; a bounded-frequency runner
/// turns bursts of changes into syncs of one `Proxier`.
///
/// Nothing is programmed until both informers have synced (a partial view would delete working rules). While
/// the apiserver is away the informers keep their caches and the dataplane keeps its rules; the relist when it
/// is back arrives as ordinary changes.
public final class NodeProxyController: Sendable {
    public struct Options: Sendable {
        public var nodeName: String
        public var informer: InformerOptions
        /// Syncs start at least this far apart (kube-proxy's --min-sync-period); a burst becomes one sync.
        public var minSyncInterval: Duration
        /// A sync happens at least this often (kube-proxy's --sync-period).
        public var maxSyncInterval: Duration
        public var retryInterval: Duration
        /// A full resync (every rule rewritten) at least this often.
        public var fullSyncPeriod: Duration

        public init(nodeName: String, informer: InformerOptions = .init(), minSyncInterval: Duration = .milliseconds(100),
                    maxSyncInterval: Duration = .seconds(30), retryInterval: Duration = .seconds(1),
                    fullSyncPeriod: Duration = .seconds(3600)) {
            self.nodeName = nodeName
            self.informer = informer
            self.minSyncInterval = minSyncInterval
            self.maxSyncInterval = maxSyncInterval
            self.retryInterval = retryInterval
            self.fullSyncPeriod = fullSyncPeriod
        }
    }

    public let services: Informer<Service>
    public let slices: Informer<EndpointSlice>
    public let syncer: ProxySyncer
    public let options: Options
    /// Renews `kube-system/kube-proxy-<node>` with the revision programmed, when given.
    public let progress: LeaseReporter?
    /// Per Service, the resourceVersion programmed (served at /programmed), when given.
    public let programmed: ProgrammedRevisions?
    let tracker = ProxyChangeTracker()
    let runner: BoundedFrequencyRunner<ContinuousClock>
    let logger: Logger

    public init(connection: Connection, proxier: any Proxier, options: Options, progress: LeaseReporter? = nil,
                programmed: ProgrammedRevisions? = nil, metrics: ProxyMetrics? = nil,
                logger: Logger = Logger(label: "skiff.node-proxy")) throws(MessagingError) {
        self.options = options
        self.progress = progress
        self.programmed = programmed
        self.logger = logger
        services = try Informer(connection: connection, options: options.informer, logger: logger)
        slices = try Informer(connection: connection, options: options.informer, logger: logger)
        syncer = ProxySyncer(nodeName: options.nodeName, proxier: proxier, fullSyncPeriod: options.fullSyncPeriod,
                             metrics: metrics, logger: logger) { change in
            // Only what this sync moved: O(changed Services), not a rebuild of the whole map.
            programmed?.apply(changed: Dictionary(uniqueKeysWithValues: change.changed.map { ($0.key.description, $0.value) }),
                              removed: change.removed.map(\.description), revision: change.revision)
            progress?.report(revision: change.revision)
        }
        runner = BoundedFrequencyRunner(minInterval: options.minSyncInterval, maxInterval: options.maxSyncInterval,
                                        retryInterval: options.retryInterval, clock: ContinuousClock())
        let (tracker, runner) = (tracker, runner)
        services.addHandlers(
            onAdd: { if tracker.serviceChanged(nil, $0) { runner.request() } },
            onUpdate: { if tracker.serviceChanged($0, $1) { runner.request() } },
            onDelete: { if tracker.serviceChanged($0, nil) { runner.request() } })
        slices.addHandlers(
            onAdd: { if tracker.sliceChanged(nil, $0) { runner.request() } },
            onUpdate: { if tracker.sliceChanged($0, $1) { runner.request() } },
            onDelete: { if tracker.sliceChanged($0, nil) { runner.request() } })
    }

    /// Runs the informers and the sync loop until the calling task is cancelled.
    public func runUntilCancelled() async {
        await withDiscardingTaskGroup { group in
            group.addTask { try? await self.services.run() }
            group.addTask { try? await self.slices.run() }
            group.addTask { await self.syncLoop() }
            group.addTask { await self.catchUpLoop() }
            if let progress = self.progress { group.addTask { await progress.run() } }
        }
        await syncer.proxier.shutdown()
    }

    /// True once both informers have synced; false if the task was cancelled first.
    public func waitForSync() async -> Bool {
        guard await services.waitForSync() else { return false }
        return await slices.waitForSync()
    }

    /// The revision through which Services and EndpointSlices are in the caches.
    var cachedRevision: Int64 { min(services.lastSyncRevision, slices.lastSyncRevision) }

    /// While nothing changes, the informers' bookmarks still move their revisions forward; a sync with nothing to
    /// program then records the newer revision (for `apply --wait`) without touching the dataplane. A change whose
    /// handler has not yet run when its informer already counts it is programmed by the sync it triggers.
    func catchUpLoop() async {
        guard await waitForSync() else { return }
        while !Task.isCancelled {
            do { try await Task.sleep(for: options.informer.bookmarkInterval) } catch { return }
            if await syncer.programmedRevision < cachedRevision { runner.request() }
        }
    }

    func syncLoop() async {
        guard await waitForSync() else { return }
        logger.info("caches synced", metadata: ["services": "\(services.list().count)", "endpointSlices": "\(slices.list().count)"])
        // The first sync covers every Service the caches know (the handlers' keys included).
        for service in services.list() { tracker.serviceChanged(nil, service) }
        let source = InformerProxySource(services: services, slices: slices)
        await runner.run {
            let revision = self.cachedRevision
            return await self.syncer.sync(keys: self.tracker.drain(), source: source, revision: revision)
        }
    }
}

/// Reads the informers' caches; slices are found through the label index.
struct InformerProxySource: ProxySource {
    let services: Informer<Service>
    let slices: Informer<EndpointSlice>

    func service(_ key: ServiceKey) -> Service? { services.get(namespace: key.namespace, name: key.name) }

    func slices(of key: ServiceKey) -> [EndpointSlice] {
        slices.byLabel(EndpointSlice.serviceNameLabel, key.name).filter { $0.namespace == key.namespace }
    }
}
