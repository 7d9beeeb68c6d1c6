import Logging
import SkiffAPI
import SkiffDNS
import SkiffMessaging

/// Feeds the DNS server: informers for Services, EndpointSlices and Namespaces (and Pods when pod records are
/// `verified`), and one rebuild loop that turns their caches into a `DNSSnapshot` and swaps it into the store.
///
/// The contract:
/// - Until every informer has synced the store keeps `DNSSnapshot.notReady` (SERVFAIL, never a false NXDOMAIN).
/// - Handlers only signal; a burst of changes becomes one rebuild, and rebuilds are at least
///   `minRebuildInterval` apart (the latest state is always rebuilt after the last change).
/// - While the apiserver is away the informers keep their caches, so the last good snapshot keeps being served;
///   their relist when it is back arrives as ordinary changes (a Service deleted meanwhile disappears).
public final class DNSController: Sendable {
    public struct Options: Sendable {
        public var informer: InformerOptions
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
    private let changes: AsyncStream<Void>
    private let signal: AsyncStream<Void>.Continuation

    public init(connection: Connection, store: DNSSnapshotStore, options: Options = .init(),
                clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger = Logger(label: "skiff.cluster-dns")) throws(MessagingError) {
        self.store = store
        self.options = options
        self.clock = clock
        self.logger = logger
        services = try Informer(connection: connection, options: options.informer, clock: clock, logger: logger)
        slices = try Informer(connection: connection, options: options.informer, clock: clock, logger: logger)
        namespaces = try Informer(connection: connection, options: options.informer, clock: clock, logger: logger)
        pods = options.watchPods ? try Informer(connection: connection, options: options.informer, clock: clock, logger: logger) : nil
        // One pending signal is enough: a rebuild reads the caches as they are then.
        (changes, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let signal = signal
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
            publish()
            do { try await clock.sleep(for: options.minRebuildInterval) } catch { return }
        }
    }

    /// Builds a snapshot from the caches and swaps it in when its content differs.
    func publish() {
        let snapshot = Self.snapshot(services: services.list(), slices: slices.list(), namespaces: namespaces.list(), pods: pods?.list())
        if store.replace(with: snapshot) {
            logger.debug("new DNS snapshot", metadata: ["serial": "\(snapshot.serial)", "services": "\(snapshot.services.count)"])
        }
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
