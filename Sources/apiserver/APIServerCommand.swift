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
        abstract: "Skiff's API server: the only writer of cluster state, served over ZeroMQ.",
        subcommands: [KeygenCommand.self])

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

    @Option(help: ArgumentHelp(
        "Static token file, CSV lines token,user,uid,\"group1,group2\" (as kube-apiserver's). Without it every request is system:admin.",
        valueName: "path"))
    var tokenFile: String?

    @Option(help: ArgumentHelp("RBAC objects (YAML: Roles, ClusterRoles and their bindings) applied at start.", valueName: "path"))
    var authorizationPolicy: String?

    @Flag(help: "With --token-file: treat requests without a token as system:anonymous instead of refusing them (401).")
    var anonymousAuth = false

    @Option(help: ArgumentHelp("Write one JSON line per request here (off by default).", valueName: "path"))
    var auditLog: String?

    @Option(help: "Rotate the audit log to PATH.1 when it would pass this many megabytes (0: never).")
    var auditLogMaxsize: Int = 100

    @Option(help: "At most this many Services per namespace (0: unlimited).")
    var maxServicesPerNamespace: Int = 0

    @Option(help: ArgumentHelp(
        "CURVE secret key file (Z85, mode 0600; `apiserver keygen` writes one): encrypts the request and watch sockets.",
        valueName: "path"))
    var curveSecretKeyFile: String?

    @Flag(help: "Serve tcp:// endpoints without encryption (without it, a tcp:// endpoint needs --curve-secret-key-file).")
    var plaintext = false

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard auditLogMaxsize >= 0 else { throw ValidationError("--audit-log-maxsize must not be negative") }
        guard maxServicesPerNamespace >= 0 else { throw ValidationError("--max-services-per-namespace must not be negative") }
        if anonymousAuth && tokenFile == nil { throw ValidationError("--anonymous-auth needs --token-file (without it every request is system:admin)") }
    }

    func run() async throws {
        let logger = logging.bootstrap(label: "apiserver")
        var options = APIServerOptions(dataDirectory: URL(fileURLWithPath: dataDir))
        options.listen = listen
        options.watchListen = watchListen
        options.serviceCIDR = serviceCIDR
        options.nodePortRange = try PortAllocator.parse(serviceNodePortRange)
        guard watchBookmarkInterval > 0 else { throw ValidationError("--watch-bookmark-interval must be positive") }
        options.watch.bookmarkInterval = .milliseconds(Int64(watchBookmarkInterval * 1000))
        options.tokenFile = tokenFile.map { URL(fileURLWithPath: $0) }
        options.anonymousAuth = anonymousAuth
        options.authorizationPolicy = authorizationPolicy.map { URL(fileURLWithPath: $0) }
        options.auditLog = auditLog.map { URL(fileURLWithPath: $0) }
        options.auditLogMaxSizeMB = auditLogMaxsize
        options.maxServicesPerNamespace = maxServicesPerNamespace
        options.curveSecretKeyFile = curveSecretKeyFile.map { URL(fileURLWithPath: $0) }
        options.plaintext = plaintext
        do { try options.checkWireSecurity() } catch { throw ValidationError(error.description) }
        let server = try APIServer(options: options, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

