import Foundation
import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffMessaging
import SkiffStore

/// The apiserver: the only writer of cluster state. It owns the store, the allocators and the request socket,
/// and runs as one `Service`: SIGTERM stops taking requests, answers those in flight, then closes the store.
public final class APIServer: ServiceLifecycle.Service {
    private let options: APIServerOptions
    private let logger: Logger
    private let store: SQLiteStore
    private let registry: Registry
    private let allocation: ServiceAllocation
    private let finalizer: NamespaceFinalizer
    private let server: RequestServer
    private let publisher: WatchPublisher

    public init(options: APIServerOptions, logger: Logger) throws {
        self.options = options
        self.logger = logger
        try FileManager.default.createDirectory(at: options.dataDirectory, withIntermediateDirectories: true)
        store = try SQLiteStore(directory: options.dataDirectory)
        let range = try IPv4Range(cidr: options.serviceCIDR)
        allocation = ServiceAllocation(clusterIPs: ClusterIPAllocator(range: range), nodePorts: PortAllocator(range: options.nodePortRange))
        let admission = AdmissionChain(plugins: [
            NamespaceLifecycle(store: store), Defaulting(), Validating(), allocation,
        ])
        registry = Registry(store: store, admission: admission)
        finalizer = NamespaceFinalizer(registry: registry, logger: logger)
        publisher = try WatchPublisher(endpoint: options.watchListen, options: options.watch, logger: logger)
        // Clients are told the bound endpoint, so a tcp port 0 (tests) resolves to the real one.
        let handler = RequestHandler(registry: registry, namespaces: finalizer, watchEndpoint: publisher.boundEndpoint, logger: logger)
        server = try RequestServer(endpoint: options.listen) { request in await handler.handle(request) }
    }

    /// The bound request endpoint (resolves a tcp port 0 to the real port).
    public var requestEndpoint: String { server.boundEndpoint }

    /// The bound watch endpoint (resolves a tcp port 0 to the real port).
    public var watchEndpoint: String { publisher.boundEndpoint }

    /// The watch publisher's counters.
    public var watchStatistics: WatchPublisherStatistics { publisher.statistics }

    public func run() async throws {
        // Every commit from here on is published; chains start at the revision before the first of them, so a
        // watcher that listed before this start (and might have missed commits never published) relists.
        let baseline = try await store.currentRevision
        store.setCommitObserver { [publisher] events in publisher.publish(events) }
        try await Bootstrap.rebuildAllocators(store: store, allocation: allocation, logger: logger)
        try await Bootstrap.ensureSystemObjects(registry: registry, allocation: allocation, logger: logger)
        let revision = try await store.currentRevision
        logger.info("apiserver ready: requests on \(server.boundEndpoint), watch on \(publisher.boundEndpoint), store at revision \(revision) in \(options.dataDirectory.path)")
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.finalizer.run() }
                group.addTask { try await self.publisher.run(baseline: baseline) }
                try await self.server.run()
                await self.finalizer.shutdown()
                // After the last request was answered: what was committed until now still goes out.
                self.publisher.shutdown()
            }
        } onGracefulShutdown: {
            self.logger.info("shutting down: answering requests in flight")
            self.server.shutdown()
        }
        await store.close()
        logger.info("apiserver stopped")
    }
}
