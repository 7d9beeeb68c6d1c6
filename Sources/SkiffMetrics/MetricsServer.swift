import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// A small HTTP/1.1 server for `GET /metrics` and `GET /programmed` (see `MetricsRoutes`), run as one service of
/// a `ServiceGroup`. Binding happens in `bind` (so the caller can log the port the kernel chose); `run()` serves
/// until a graceful shutdown, then closes the listener.
public final class MetricsServer: Sendable {
    public let channel: any Channel
    let logger: Logger

    init(channel: any Channel, logger: Logger) {
        self.channel = channel
        self.logger = logger
    }

    /// The port the listener got.
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// The server for an executable's `--metrics-listen` flag: nil when the flag is empty (metrics off); otherwise
    /// bound, with its address logged (a port 0 resolved), ready to join the executable's ServiceGroup.
    public static func forFlag(_ listen: String, programmed: ProgrammedRevisions?, logger: Logger) async throws -> MetricsServer? {
        guard !listen.isEmpty else { return nil }
        let address = try ListenAddress(parsing: listen)
        let server = try await bind(address, programmed: programmed, logger: logger)
        logger.info("metrics listening on http://\(ListenAddress(host: address.host, port: server.port))/metrics")
        return server
    }

    public static func bind(_ address: ListenAddress, registry: PrometheusCollectorRegistry = MetricsBackend.registry,
                            programmed: ProgrammedRevisions? = nil,
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                            logger: Logger = Logger(label: "skiff.metrics")) async throws -> MetricsServer {
        let routes = MetricsRoutes(registry: registry, programmed: programmed)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                    try pipeline.addHandler(MetricsHTTPHandler(routes: routes))
                }
            }
            .bind(host: address.host, port: address.port).get()
        return MetricsServer(channel: channel, logger: logger)
    }

    public func close() async {
        try? await channel.close()
    }
}

extension MetricsServer: ServiceLifecycle.Service {
    /// Serves until a graceful shutdown (SIGTERM) or cancellation, then closes the listener.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
        logger.info("metrics server stopped")
    }
}
