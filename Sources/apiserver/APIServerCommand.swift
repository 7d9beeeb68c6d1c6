import APIServer
import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import SkiffCommand

/// `apiserver`: flags and wiring only; the logic is in the APIServer library.
@main
struct APIServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apiserver",
        abstract: "Skiff's API server: the only writer of cluster state, served over ZeroMQ.")

    @Option(help: "Directory for the durable store (created if missing).")
    var dataDir: String = ".skiff/data"

    @Option(help: "ZeroMQ endpoint of the request (ROUTER) socket, tcp://HOST:PORT or ipc:///path.")
    var listen: String = "tcp://127.0.0.1:6443"

    @Option(help: "ZeroMQ endpoint of the watch (XPUB) socket.")
    var watchListen: String = "tcp://127.0.0.1:6444"

    @Option(help: "IPv4 CIDR that Service ClusterIPs are allocated from; its 10th address is kube-dns's.")
    var serviceCIDR: String = "127.96.0.0/16"

    @Option(help: "NodePort range, LOW-HIGH.")
    var serviceNodePortRange: String = "30000-32767"

    @Option(help: "Seconds between BOOKMARK heartbeats on idle watch topics (clients relist after three silent intervals).")
    var watchBookmarkInterval: Double = 1

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        let logger = logging.bootstrap(label: "apiserver")
        var options = APIServerOptions(dataDirectory: URL(fileURLWithPath: dataDir))
        options.listen = listen
        options.watchListen = watchListen
        options.serviceCIDR = serviceCIDR
        options.nodePortRange = try PortAllocator.parse(serviceNodePortRange)
        guard watchBookmarkInterval > 0 else { throw ValidationError("--watch-bookmark-interval must be positive") }
        options.watch.bookmarkInterval = .milliseconds(Int64(watchBookmarkInterval * 1000))
        let server = try APIServer(options: options, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

