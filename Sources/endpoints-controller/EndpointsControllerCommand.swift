import ArgumentParser
import EndpointsController
import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffCommand
import SkiffMessaging

/// `endpoints-controller`: flags and wiring only; the logic is in the EndpointsController library.
@main
struct EndpointsControllerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoints-controller",
        abstract: "Keeps every Service's Endpoints and EndpointSlices in step with its Pods.")

    @OptionGroup var client: ClientOptions

    @Option(help: "Services reconciled at once.")
    var workers: Int = 4

    @Option(help: "How long Pod and endpoint changes wait so that a burst becomes one write: 0s, 100ms, 1s.")
    var batchPeriod: String = "0s"

    @Option(help: "Endpoints per EndpointSlice (1-1000).")
    var maxEndpointsPerSlice: Int = 100

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard (1...1000).contains(maxEndpointsPerSlice) else { throw ValidationError("--max-endpoints-per-slice must be between 1 and 1000") }
        guard DurationFlag.parse(batchPeriod) != nil else {
            throw ValidationError("--batch-period \(String(reflecting: batchPeriod)) is not a duration such as 0s, 100ms or 1s")
        }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "endpoints-controller")
        let clientConfig = try client.resolve()
        var options = EndpointsSyncerOptions()
        options.workers = workers
        options.batchPeriod = DurationFlag.parse(batchPeriod) ?? .zero
        options.reconciler.maxEndpointsPerSlice = maxEndpointsPerSlice
        options.informer.token = clientConfig.token
        let client = try APIClient(config: clientConfig)
        let connection = try Connection(endpoint: clientConfig.server, options: clientConfig.connectionOptions)
        defer { connection.close(); client.close() }
        let syncer = try EndpointsSyncer(connection: connection, writer: APIClientWriter(client: client), options: options, logger: logger)
        logger.info("endpoints controller starting against \(clientConfig.server)")
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: syncer)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

