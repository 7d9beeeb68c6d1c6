import Foundation
import Logging
import NIOPosix
import SkiffAPI
import SkiffMessaging
import Synchronization

/// A simulated node's kubelet: registers the Node and keeps its Ready heartbeat, and runs the Pods bound to the
/// node (spec.nodeName): an IP from the pod CIDR, the containers, readiness probes, status reports. Pods leave
/// (deleted, or bound elsewhere) with a graceful stop: SIGTERM, then SIGKILL after terminationGracePeriodSeconds.
///
/// A controller like the others: the Pod informer's handlers enqueue keys of this node's Pods; `reconcile(key)`
/// starts or stops one Pod worker. On restart it keeps the IPs of the Pods already running here.
public final class Kubelet: Sendable {
    public struct Options: Sendable {
        public var nodeName: String
        public var podCIDR: String
        /// The node's InternalIP (probes and the Pod's hostIP).
        public var nodeIP: String
        public var zone: String?
        /// Logs of containers go under `<rootDirectory>/pods/`.
        public var rootDirectory: URL
        public var heartbeatInterval: Duration
        public var workers: Int
        public var informer: InformerOptions
        /// Loopback (the default) or a network namespace per Pod.
        public var podNetwork: any PodNetwork
        /// The kubelet executable (for `kubelet netexec` in a Pod's namespace).
        public var selfExecutable: String

        public init(nodeName: String, podCIDR: String, nodeIP: String = "127.0.0.1", zone: String? = nil,
                    rootDirectory: URL, heartbeatInterval: Duration = .seconds(10), workers: Int = 4, informer: InformerOptions = .init(),
                    podNetwork: any PodNetwork = HostPodNetwork(), selfExecutable: String = CommandLine.arguments[0]) {
            self.podNetwork = podNetwork
            self.selfExecutable = selfExecutable
            self.nodeName = nodeName
            self.podCIDR = podCIDR
            self.nodeIP = nodeIP
            self.zone = zone
            self.rootDirectory = rootDirectory
            self.heartbeatInterval = heartbeatInterval
            self.workers = workers
            self.informer = informer
        }
    }

    public let options: Options
    public let pods: Informer<Pod>
    /// The node's heartbeat Lease in kube-node-lease, renewed every heartbeat as Kubernetes' kubelet does.
    let lease: LeaseReporter
    let client: APIClient
    let queue: WorkQueue<String>
    let context: KubeletContext
    let group: MultiThreadedEventLoopGroup
    private let workers = Mutex<[String: (uid: String?, worker: PodWorker)]>([:])
    private let addresses: Mutex<PodIPAllocator>
    let logger: Logger

    public init(connection: Connection, client: APIClient, options: Options, logger: Logger = Logger(label: "skiff.kubelet")) throws {
        self.options = options
        self.client = client
        self.logger = logger
        addresses = Mutex(try PodIPAllocator(cidr: options.podCIDR))
        pods = try Informer(connection: connection, options: options.informer, logger: logger)
        lease = LeaseReporter(client: client, options: .init(
            namespace: Lease.nodeLeaseNamespace, name: options.nodeName, holder: options.nodeName,
            renewInterval: options.heartbeatInterval), logger: logger)
        queue = WorkQueue(name: "kubelet")
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        context = KubeletContext(
            nodeName: options.nodeName, nodeIP: options.nodeIP, rootDirectory: options.rootDirectory, group: group,
            statusWriter: PodStatusWriter(writer: client, logger: logger), network: options.podNetwork,
            selfExecutable: options.selfExecutable, logger: logger)
        let (queue, nodeName) = (queue, options.nodeName)
        let enqueue: @Sendable (Pod) async -> Void = { pod in
            if pod.spec?.nodeName == nodeName { await queue.add("\(pod.namespace)/\(pod.metadata.name ?? "")") }
        }
        pods.addHandlers(onAdd: enqueue, onUpdate: { old, new in await enqueue(old); await enqueue(new) }, onDelete: enqueue)
    }

    /// Runs until the calling task is cancelled; then stops every Pod and reports the node not ready.
    public func runUntilCancelled() async {
        await withDiscardingTaskGroup { group in
            group.addTask { try? await self.pods.run() }
            group.addTask { await self.context.statusWriter.run() }
            group.addTask { await self.heartbeat() }
            group.addTask { await self.lease.run() }
            group.addTask {
                guard await self.pods.waitForSync() else { return }
                self.adoptAddresses()
                await self.stopOrphans()
                let controller = Controller(name: "kubelet", queue: self.queue, workers: self.options.workers, logger: self.logger) { key in
                    try await self.reconcile(key)
                }
                await controller.run()
            }
        }
        await stopAll()
        // This task is cancelled by now; the last report runs in a task of its own so that it is still sent.
        try? await Task { try await self.postNodeStatus(ready: false) }.value
        try? await group.shutdownGracefully()
    }

    /// Starts or stops the worker of one Pod so that it runs exactly when the Pod is bound here and not finished.
    func reconcile(_ key: String) async throws {
        let (namespace, name) = Self.split(key)
        let pod = pods.get(namespace: namespace, name: name)
        if let pod, pod.spec?.nodeName == options.nodeName, let deadline = pod.metadata.deletionTimestamp?.date {
            try await finishDeletion(pod, key: key, deadline: deadline)
            return
        }
        let wanted = pod.flatMap { $0.spec?.nodeName == options.nodeName ? $0 : nil }
        let running = workers.withLock { $0[key] }
        if let running, running.uid != wanted?.metadata.uid {
            await stop(key, running.worker, grace: Self.grace(of: pod))
        } else if running != nil {
            return
        }
        guard let wanted else { return }
        guard let ip = assignAddress(for: wanted, key: key) else {
            logger.error("no free address in the pod CIDR", metadata: ["pod": "\(key)", "cidr": "\(options.podCIDR)"])
            throw KubeletError(.addressesExhausted, "pod CIDR \(options.podCIDR) is full")
        }
        let worker = PodWorker(pod: wanted, podIP: ip, context: context)
        workers.withLock { $0[key] = (wanted.metadata.uid, worker) }
        logger.info("starting pod", metadata: ["pod": "\(key)", "ip": "\(ip)"])
        do {
            try await worker.start()
        } catch {
            // Retried by the queue with backoff, from scratch.
            await stop(key, worker, grace: .zero)
            throw error
        }
    }

    /// A terminating Pod: stop its containers by the deadline the apiserver set, then remove it (grace 0), as
    /// the kubelet's status manager does once a Pod's containers are gone.
    private func finishDeletion(_ pod: Pod, key: String, deadline: Date) async throws {
        let remaining = Duration.milliseconds(Int64(max(deadline.timeIntervalSinceNow, 0) * 1000))
        if let running = workers.withLock({ $0[key] }) {
            await stop(key, running.worker, grace: remaining)
        } else {
            // Deleted while no kubelet ran here: what the previous one started is still running.
            await PodWorker.stopLeftovers(of: pod, context: context, grace: remaining)
        }
        do {
            _ = try await client.delete(Pod.self, namespace: pod.namespace, name: pod.name, gracePeriod: 0)
            logger.info("pod deleted", metadata: ["pod": "\(key)"])
        } catch {
            guard error.isNotFound else { throw error }
        }
    }

    private func stop(_ key: String, _ worker: PodWorker, grace: Duration) async {
        workers.withLock { _ = $0.removeValue(forKey: key) }
        logger.info("stopping pod", metadata: ["pod": "\(key)", "grace": "\(grace)"])
        await worker.stop(grace: grace)
        let ip = worker.podIP
        addresses.withLock { $0.release(ip) }
    }

    private func stopAll() async {
        let all = workers.withLock { $0 }
        await withDiscardingTaskGroup { group in
            for (key, entry) in all {
                group.addTask { await self.stop(key, entry.worker, grace: .seconds(5)) }
            }
        }
    }

    /// The Pod's recorded IP when it is ours to keep (a kubelet restart), else a new one.
    private func assignAddress(for pod: Pod, key: String) -> String? {
        addresses.withLock { allocator in
            if let ip = pod.status?.podIP, allocator.contains(ip) {
                allocator.reserve(ip)
                return ip
            }
            return allocator.allocate()
        }
    }

    /// At start: the addresses of Pods already bound here are taken.
    private func adoptAddresses() {
        let mine = pods.list().filter { $0.spec?.nodeName == options.nodeName }
        addresses.withLock { allocator in
            for pod in mine { if let ip = pod.status?.podIP { allocator.reserve(ip) } }
        }
    }

    /// At start: containers an earlier kubelet left running for Pods that are no longer bound here (removed from
    /// the apiserver while no kubelet ran) are stopped, and their networks removed, as the kubelet's housekeeping
    /// kills containers of Pods it does not know.
    private func stopOrphans() async {
        let mine = Set(pods.list().filter { $0.spec?.nodeName == options.nodeName }.map { "\($0.namespace)/\($0.metadata.name ?? "")" })
        let directory = options.rootDirectory.appendingPathComponent("pods", isDirectory: true)
        for podDirectory in (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [] {
            // `<namespace>_<name>`: a namespace has no `_`.
            let name = podDirectory.lastPathComponent
            guard let separator = name.firstIndex(of: "_") else { continue }
            let key = "\(name[..<separator])/\(name[name.index(after: separator)...])"
            guard !mine.contains(key) else { continue }
            await PodWorker.stopLeftovers(key: key, logDirectory: podDirectory, context: context, grace: .seconds(2))
        }
    }

    static func grace(of pod: Pod?) -> Duration {
        .seconds(max(pod?.metadata.deletionGracePeriodSeconds ?? pod?.spec?.terminationGracePeriodSeconds ?? 30, 0))
    }

    static func split(_ key: String) -> (namespace: String, name: String) {
        guard let slash = key.firstIndex(of: "/") else { return ("", key) }
        return (String(key[..<slash]), String(key[key.index(after: slash)...]))
    }
}
