import ArgumentParser
import Foundation
import Kubelet
import Logging
import ServiceLifecycle
import SkiffAPI
import SkiffCommand
import SkiffMessaging

/// `kubelet`: flags and wiring only; the logic is in the Kubelet library.
@main
struct KubeletCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubelet",
        abstract: "Registers a simulated node and runs the Pods bound to it.",
        subcommands: [Run.self, Netexec.self],
        defaultSubcommand: Run.self)
}

extension KubeletCommand {
    /// `kubelet [run] --node NAME --pod-cidr CIDR ...`: the node agent.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run the node agent (the default).")

        @OptionGroup var client: ClientOptions

        @Option(help: "The name of this node.")
        var node: String

        @Option(help: "The IPv4 CIDR this node's Pods get their IPs from (make up gives node N 127.244.N.0/24).")
        var podCIDR: String

        @Option(help: "The node's InternalIP.")
        var nodeIP: String = "127.0.0.1"

        @Option(help: "The node's topology.kubernetes.io/zone label.")
        var zone: String?

        @Option(help: "Where container logs go (pods/<namespace>_<name>/<container>.log).")
        var rootDir: String = ".skiff/kubelet"

        @Option(help: "How often the node's Ready heartbeat is posted.")
        var heartbeatInterval: String = "10s"

        @Option(help: "loopback (Pod IPs on lo, no privileges) or netns (a network namespace per Pod on --bridge; root).")
        var podNetwork: String = "loopback"

        @Option(help: "With --pod-network netns: the node's bridge, which holds the pod CIDR's first address.")
        var bridge: String = "cbr0"

        @Option(help: "With --pod-network netns: the ranges a Pod routes through the bridge (comma-separated).")
        var podRoutes: String = "10.244.0.0/16,10.96.0.0/12"

        @OptionGroup var logging: LoggingOptions

        func validate() throws {
            guard !node.isEmpty else { throw ValidationError("--node must name this node") }
            do { _ = try PodIPAllocator(cidr: podCIDR) } catch { throw ValidationError("--pod-cidr: \(error)") }
            guard let beat = DurationFlag.parse(heartbeatInterval), beat > .zero else {
                throw ValidationError("--heartbeat-interval \(String(reflecting: heartbeatInterval)) is not a positive duration such as 10s")
            }
            guard ["loopback", "netns"].contains(podNetwork) else {
                throw ValidationError("--pod-network must be loopback or netns, not \(String(reflecting: podNetwork))")
            }
        }

        func run() async throws {
            let logger = logging.bootstrap(label: "kubelet")
            let clientConfig = try client.resolve()
            var options = Kubelet.Options(nodeName: node, podCIDR: podCIDR, nodeIP: nodeIP, zone: zone,
                                          rootDirectory: URL(fileURLWithPath: rootDir, isDirectory: true))
            options.heartbeatInterval = DurationFlag.parse(heartbeatInterval) ?? .seconds(10)
            options.informer.token = clientConfig.token
            // The running binary itself (argv[0] may be a bare name found through PATH).
            options.selfExecutable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
                ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
            if podNetwork == "netns" {
                let allocator = try PodIPAllocator(cidr: podCIDR)
                options.podNetwork = NamespacePodNetwork(
                    nodeName: node, bridge: bridge, gateway: allocator.gateway, prefixLength: allocator.prefixLength,
                    routes: podRoutes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            }
            let apiClient = try APIClient(config: clientConfig)
            let connection = try Connection(endpoint: clientConfig.server, options: clientConfig.connectionOptions)
            defer { connection.close(); apiClient.close() }
            let kubelet = try Kubelet(connection: connection, client: apiClient, options: options, logger: logger)
            logger.info("kubelet starting", metadata: ["node": "\(node)", "podCIDR": "\(podCIDR)", "podNetwork": "\(podNetwork)", "server": "\(clientConfig.server)"])
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: kubelet)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }

    /// `kubelet netexec`: the built-in server of a container without a command, as its own process (the kubelet
    /// runs it inside the Pod's network namespace).
    struct Netexec: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve the Pod's identity on its ports (like agnhost netexec).")

        @Option var podName: String
        @Option var podIP: String
        @Option(help: "A port to serve: 8080 (HTTP) or 53/udp; repeatable.")
        var port: [String] = []

        func run() async throws {
            var logger = Logger(label: "netexec")
            logger.logLevel = .warning
            let ports = try port.map { text -> (port: Int, udp: Bool) in
                let udp = text.hasSuffix("/udp")
                guard let number = Int(udp ? String(text.dropLast(4)) : text), (1...65535).contains(number) else {
                    throw ValidationError("--port \(String(reflecting: text)) is not a port such as 8080 or 53/udp")
                }
                return (number, udp)
            }
            let service = NetexecService(podName: podName, podIP: podIP, ports: ports)
            try await ServiceGroup(configuration: .init(services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
        }
    }
}
