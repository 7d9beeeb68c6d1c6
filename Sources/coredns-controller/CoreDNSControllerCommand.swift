import ArgumentParser
import ClusterDNS
import Logging
import ServiceLifecycle
import SkiffCommand
import SkiffDNS
import SkiffMessaging
import SkiffMetrics

/// `coredns-controller`: flags and wiring only; the server and the controller are in the ClusterDNS library.
@main
struct CoreDNSControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coredns-controller",
        abstract: "Serves the cluster's DNS zone (Services, endpoints, pods) over UDP and TCP from the apiserver's state.")

    enum PodMode: String, CaseIterable, ExpressibleByArgument {
        case disabled, insecure, verified
    }

    @OptionGroup var client: ClientOptions

    @Option(name: [.customLong("listen"), .customLong("dns-listen")],
            help: "HOST:PORT for both UDP and TCP; port 0 picks a free one (logged).")
    var listen: String = "127.0.0.1:1053"

    @Option(help: "The cluster zone.")
    var zone: String = "cluster.local"

    @Option(help: "TTL of every answer, in seconds.")
    var ttl: UInt32 = 5

    @Option(help: "Pod records (<a-b-c-d>.<ns>.pod.<zone>): disabled, insecure (any IP), verified (only pods' IPs).")
    var pods: PodMode = .disabled

    @Option(help: "Resolver for names outside the zone, IP:PORT, asked over UDP (default: such names are REFUSED).")
    var upstream: String?

    @Option(help: "Milliseconds to wait for the upstream before answering SERVFAIL.")
    var upstreamTimeoutMs: Int = 2000

    @Option(help: "UDP sockets sharing the listen port (SO_REUSEPORT), one per event loop thread; default: the core count.")
    var udpSockets: Int = DNSServer.Options.defaultUDPSockets

    @Option(help: "HOST:PORT for HTTP GET /metrics (Prometheus) and /programmed (served resourceVersions); empty: off.")
    var metricsListen: String = ""

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        do { _ = try ListenAddress(parsing: listen) } catch { throw ValidationError("--listen: \(error.message)") }
        do { _ = try DNSConfig(zone: zone) } catch { throw ValidationError("--zone \(String(reflecting: zone)) is not a domain name") }
        if let upstream {
            let address: ListenAddress
            do { address = try ListenAddress(parsing: upstream) } catch { throw ValidationError("--upstream: \(error.message)") }
            // Forwarding to ourselves would send every outside name around in a circle until it timed out.
            if address == (try? ListenAddress(parsing: listen)) { throw ValidationError("--upstream must not be the --listen address") }
        }
        if !metricsListen.isEmpty {
            do { _ = try ListenAddress(parsing: metricsListen) } catch { throw ValidationError("--metrics-listen: \(error.message)") }
        }
        guard upstreamTimeoutMs > 0 else { throw ValidationError("--upstream-timeout-ms must be positive") }
        guard udpSockets > 0 else { throw ValidationError("--udp-sockets must be positive") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "coredns-controller")
        MetricsBackend.bootstrap()
        let metrics = DNSMetrics()
        let programmed = ProgrammedRevisions()
        let clientConfig = try client.resolve()
        let podMode: DNSConfig.PodMode = switch pods {
        case .disabled: .disabled
        case .insecure: .insecure
        case .verified: .verified
        }
        let store = DNSSnapshotStore(config: try DNSConfig(zone: zone, ttl: ttl, podMode: podMode))
        let listenAddress = try ListenAddress(parsing: listen)
        var forwarder: DNSForwarder?
        if let upstream {
            forwarder = try await DNSForwarder.start(upstream: try ListenAddress(parsing: upstream), timeout: .milliseconds(Int64(upstreamTimeoutMs)))
            logger.info("forwarding names outside \(store.config.zone) to \(upstream)")
        }
        let server = try await DNSServer.bind(DNSServer.Options(listen: listenAddress, metrics: metrics, udpSockets: udpSockets), store: store, forwarder: forwarder, logger: logger)
        logger.info("DNS server listening on \(ListenAddress(host: listenAddress.host, port: server.port)) (tcp, and udp on \(server.udpChannels.count) sockets)")
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [.init(service: server)]
        if let metricsServer = try await MetricsServer.forFlag(metricsListen, programmed: programmed, logger: logger) {
            services.append(.init(service: metricsServer))
        }

        var options = DNSController.Options(watchPods: pods == .verified)
        options.informer.token = clientConfig.token
        let connection = try Connection(endpoint: clientConfig.server, options: clientConfig.connectionOptions)
        let apiClient = try APIClient(config: clientConfig)
        defer { connection.close(); apiClient.close() }
        // kube-system/coredns-controller: renewed, with the revision served (skiffctl apply --wait reads it).
        let progress = LeaseReporter(client: apiClient, options: .init(name: "coredns-controller", holder: "coredns-controller"), logger: logger)
        let controller = try DNSController(
            connection: connection, store: store, options: options, metrics: metrics, programmed: programmed,
            progress: progress, logger: logger)
        services.append(.init(service: controller))
        logger.info("DNS controller starting against \(clientConfig.server) for zone \(store.config.zone)")
        let group = ServiceGroup(configuration: .init(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

