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
    private let binder: PendingPodBinder
    private let policy = PolicyCache()
    private let quota: ServiceQuota
    private let policyObjects: [any APIObject]
    private let audit: AuditLog?

    public init(options: APIServerOptions, logger: Logger) throws {
        self.options = options
        self.logger = logger
        try FileManager.default.createDirectory(at: options.dataDirectory, withIntermediateDirectories: true)
        store = try SQLiteStore(directory: options.dataDirectory)
        let range = try IPv4Range(cidr: options.serviceCIDR)
        allocation = ServiceAllocation(clusterIPs: ClusterIPAllocator(range: range), nodePorts: PortAllocator(range: options.nodePortRange))
        let scheduling = PodScheduling(store: store)
        binder = PendingPodBinder(scheduling: scheduling, store: store, logger: logger)
        quota = ServiceQuota(limit: options.maxServicesPerNamespace)
        // Kubernetes' order: lifecycle, mutating (defaulting), validating, then the allocators and the quota.
        let admission = AdmissionChain(plugins: [
            NamespaceLifecycle(store: store), Defaulting(), Validating(), scheduling, allocation, quota,
        ])
        registry = Registry(store: store, admission: admission)
        finalizer = NamespaceFinalizer(registry: registry, logger: logger)
        let curve = try options.curveSecretKeyFile.map { try CurveKeyPair.load(secretKeyFile: $0.path) }
        audit = try options.auditLog.map { try AuditLog(path: $0.path, maxSizeMB: options.auditLogMaxSizeMB) }
        let authenticator: Authenticator
        if let tokenFile = options.tokenFile {
            let tokens = try TokenFile.load(path: tokenFile.path)
            authenticator = .tokens(tokens, anonymous: options.anonymousAuth)
            logger.info("authentication: \(tokens.users.count) tokens from \(tokenFile.path), anonymous requests \(options.anonymousAuth ? "allowed" : "refused"); authorization: RBAC, also of watch subscriptions")
        } else {
            authenticator = .everyoneIsAdmin
            logger.warning("no --token-file: authentication and authorization are off, every request is system:admin")
        }
        var watchOptions = options.watch
        watchOptions.curve = curve
        let watchGate = WatchGate(authenticator: authenticator, policy: policy, audit: audit, logger: logger)
        var authorizer: WatchAuthorizer? = nil
        if authenticator.isEnabled { authorizer = { token, topic in watchGate.authorize(token: token, topic: topic) } }
        publisher = try WatchPublisher(endpoint: options.watchListen, options: watchOptions, authorizer: authorizer, logger: logger)
        // Clients are told the bound endpoint, so a tcp port 0 (tests) resolves to the real one.
        var handler = RequestHandler(registry: registry, namespaces: finalizer, watchEndpoint: publisher.boundEndpoint, logger: logger)
        if authenticator.isEnabled {
            handler.gate = RequestGate(authenticator: authenticator, policy: policy, store: store)
        }
        policyObjects = try options.authorizationPolicy.map { try PolicyFile.load(path: $0.path) } ?? []
        handler.audit = audit
        let gated = handler
        server = try RequestServer(endpoint: options.listen, options: RequestServerOptions(curve: curve)) { request in await gated.handle(request) }
        if let curve {
            logger.info("CURVE encryption on the request and watch sockets, server public key \(curve.publicKey)")
        } else {
            logger.warning("no CURVE key: the request and watch sockets are plaintext")
        }
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
        // Counted before any write, so the quota's start-up list and the observed commits never overlap.
        try await quota.load(from: store)
        store.setCommitObserver { [publisher, policy, quota] events in
            publisher.publish(events)
            policy.observe(events)
            quota.observe(events)
        }
        try await policy.load(from: store)
        try await Bootstrap.rebuildAllocators(store: store, allocation: allocation, logger: logger)
        try await Bootstrap.ensureSystemObjects(registry: registry, allocation: allocation, logger: logger)
        if !policyObjects.isEmpty { try await PolicyFile.apply(policyObjects, registry: registry, logger: logger) }
        let revision = try await store.currentRevision
        logger.info("apiserver ready: requests on \(server.boundEndpoint), watch on \(publisher.boundEndpoint), store at revision \(revision) in \(options.dataDirectory.path)")
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { await self.finalizer.run() }
                group.addTask { await self.binder.run() }
                group.addTask { try await self.publisher.run(baseline: baseline) }
                try await self.server.run()
                self.binder.shutdown()
                await self.finalizer.shutdown()
                // After the last request was answered: what was committed until now still goes out.
                self.publisher.shutdown()
            }
        } onGracefulShutdown: {
            self.logger.info("shutting down: answering requests in flight")
            self.server.shutdown()
        }
        audit?.close()
        await store.close()
        logger.info("apiserver stopped")
    }
}
