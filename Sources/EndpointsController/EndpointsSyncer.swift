import Logging
import SkiffAPI
import SkiffMessaging
import Synchronization

/// The endpoints controller's loop around the pure `EndpointsReconciler`: four informers (Services, Pods,
/// Endpoints, EndpointSlices, all namespaces) whose handlers only enqueue Service keys (`namespace/name`), and
/// `workers` workers that reconcile one key at a time (sample-controller's shape).
///
/// The contract:
/// - Workers start only after all four informers have synced, so a plan is never computed from a partial view.
///   Then the keys of Services that no longer exist but still have Endpoints or managed slices are enqueued
///   once, so that what a deletion during a controller outage left behind is removed (`leftoverKeys`).
/// - `reconcile(key)` reads only the caches; a plan that is empty writes nothing.
/// - A write refused with 409 or 404 means the cache was stale: the key is retried with backoff, from the
///   caches as they are then.
/// - After its own writes, a key is not planned again until the caches show them (`WriteExpectations`), so a
///   burst of events cannot create a slice twice.
/// - Pod, Endpoints and slice events are enqueued after `batchPeriod`, so a burst becomes one reconcile.
/// - While the apiserver is away the caches are kept; the informers relist when it is back and the differences
///   arrive as ordinary events, so the controller catches up without a restart.
public final class EndpointsSyncer: Sendable {
    public let services: Informer<Service>
    public let pods: Informer<Pod>
    public let endpoints: Informer<Endpoints>
    public let slices: Informer<EndpointSlice>
    public let queue: WorkQueue<String>
    public let options: EndpointsSyncerOptions
    let writer: any EndpointsWriter
    let logger: Logger
    let expectations = Mutex<[String: WriteExpectations]>([:])
    let counters = Mutex(EndpointsSyncerStatistics())

    /// The index of Services by one pair of their selector (`namespace/key=value`, the smallest key): a Pod event
    /// looks up only the Services filed under one of its own labels, not every Service of its namespace.
    static let selectorIndex = "selector"

    /// - Parameters:
    ///   - connection: the apiserver's request socket, for the informers' discover and list requests.
    ///   - writer: where the plans are written (`APIClientWriter` in production).
    public init(connection: Connection, writer: any EndpointsWriter, options: EndpointsSyncerOptions = .init(),
                clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger = Logger(label: "skiff.endpoints-controller")) throws(MessagingError) {
        self.options = options
        self.writer = writer
        self.logger = logger
        let informerOptions = options.informer
        services = try Informer(connection: connection, options: informerOptions, clock: clock, logger: logger)
        pods = try Informer(connection: connection, options: informerOptions, clock: clock, logger: logger)
        endpoints = try Informer(connection: connection, options: informerOptions, clock: clock, logger: logger)
        slices = try Informer(connection: connection, options: informerOptions, clock: clock, logger: logger)
        queue = WorkQueue(name: "endpoints", clock: clock)
        services.addIndex(Self.selectorIndex) { Self.selectorIndexValues($0) }
        addHandlers()
    }

    /// Runs the informers and, once all of them have synced, the workers; returns when the calling task is
    /// cancelled (workers finish the key they hold first).
    public func runUntilCancelled() async {
        let controller = Controller(name: "endpoints", queue: queue, workers: options.workers, logger: logger) {
            [self] key in try await self.reconcile(key)
        }
        await withDiscardingTaskGroup { group in
            group.addTask { try? await self.services.run() }
            group.addTask { try? await self.pods.run() }
            group.addTask { try? await self.endpoints.run() }
            group.addTask { try? await self.slices.run() }
            group.addTask {
                guard await self.waitForSync() else { return }
                await self.enqueueLeftovers()
                self.logger.info("caches synced; starting \(self.options.workers) workers")
                await controller.run()
            }
        }
    }

    /// Waits until every informer has synced; false if one stopped or the task was cancelled first.
    public func waitForSync() async -> Bool {
        for synced in [services.waitForSync, pods.waitForSync, endpoints.waitForSync, slices.waitForSync] {
            guard await synced() else { return false }
        }
        return true
    }

    /// True once every informer has synced.
    public var hasSynced: Bool { services.hasSynced && pods.hasSynced && endpoints.hasSynced && slices.hasSynced }

    /// The counters since start.
    public var statistics: EndpointsSyncerStatistics { counters.withLock { $0 } }
}
