import ArgumentParser
import Logging
import NodeProxy
import ServiceLifecycle
import SkiffAPI
import SkiffCommand
import SkiffMessaging
import SkiffMetrics

/// `kube-proxy`: flags and wiring only; the logic is in the NodeProxy library.
@main
struct KubeProxyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-proxy",
        abstract: "Programs this node so that traffic to a Service's ClusterIP and NodePorts reaches its ready endpoints.")

    @OptionGroup var client: ClientOptions

    @Option(help: "The name of the node this proxy runs on (for internalTrafficPolicy/externalTrafficPolicy Local).")
    var node: String

    @Option(help: "The dataplane: nftables (root, a network namespace), userspace (unprivileged, loopback) or ipvs.")
    var mode: ProxyMode = .userspace

    @Flag(help: "nftables: masquerade all traffic to Services (else only hairpin and, with --cluster-cidr, traffic from outside it).")
    var masqueradeAll = false

    @Option(help: "nftables: the Pods' CIDR; traffic to a Service from outside it is masqueraded.")
    var clusterCIDR: String?

    @Option(help: "ipvs: the scheduler, rr (round robin), lc (least connections) or sh (source hashing).")
    var ipvsScheduler: IPVSScheduler = .rr

    @Flag(help: "ipvs: print the ipvsadm-restore input of each sync instead of applying it (for kernels without IPVS).")
    var dryRun = false

    @Option(help: "The node's address, where NodePorts listen (ipvs, userspace).")
    var nodeIP: String?

    @Option(help: "HOST:PORT for HTTP GET /metrics (Prometheus) and /programmed (per Service, the resourceVersion programmed); empty: off.")
    var metricsListen: String = ""

    @Option(help: "Syncs start at least this far apart; a burst of changes becomes one sync (e.g. 100ms, 1s).")
    var minSyncPeriod: String = "100ms"

    @Option(help: "A sync happens at least this often, changes or not.")
    var syncPeriod: String = "30s"

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !node.isEmpty else { throw ValidationError("--node must name this node") }
        guard let min = DurationFlag.parse(minSyncPeriod) else { throw ValidationError("--min-sync-period \(String(reflecting: minSyncPeriod)) is not a duration such as 100ms or 1s") }
        guard let max = DurationFlag.parse(syncPeriod), max > .zero else { throw ValidationError("--sync-period \(String(reflecting: syncPeriod)) is not a positive duration such as 30s") }
        guard min <= max else { throw ValidationError("--min-sync-period must not exceed --sync-period") }
        if !metricsListen.isEmpty {
            do { _ = try ListenAddress(parsing: metricsListen) } catch { throw ValidationError("--metrics-listen: \(error.message)") }
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "kube-proxy")
        MetricsBackend.bootstrap()
        let programmed = ProgrammedRevisions()
        let clientConfig = try client.resolve()
        var options = NodeProxyController.Options(nodeName: node)
        options.informer.token = clientConfig.token
        options.minSyncInterval = DurationFlag.parse(minSyncPeriod) ?? .milliseconds(100)
        options.maxSyncInterval = DurationFlag.parse(syncPeriod) ?? .seconds(30)
        let proxier = try makeProxier(logger: logger)
        let connection = try Connection(endpoint: clientConfig.server, options: clientConfig.connectionOptions)
        let apiClient = try APIClient(config: clientConfig)
        defer { connection.close(); apiClient.close() }
        // kube-system/kube-proxy-<node>: renewed, with the revision programmed (skiffctl apply --wait reads it).
        let progress = LeaseReporter(client: apiClient, options: .init(name: "kube-proxy-\(node)", holder: node), logger: logger)
        let controller = try NodeProxyController(
            connection: connection, proxier: proxier, options: options, progress: progress, programmed: programmed,
            metrics: ProxyMetrics(mode: mode), logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let metricsServer = try await MetricsServer.forFlag(metricsListen, programmed: programmed, logger: logger) {
            services.append(.init(service: metricsServer))
        }
        services.append(.init(service: controller))
        logger.info("kube-proxy starting", metadata: ["node": "\(node)", "mode": "\(mode.rawValue)", "server": "\(clientConfig.server)"])
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

extension ProxyMode: ExpressibleByArgument {}
