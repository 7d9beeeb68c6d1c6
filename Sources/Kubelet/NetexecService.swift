import NIOPosix
import ServiceLifecycle

/// The built-in server as a process of its own (`kubelet netexec`): serves until a graceful shutdown.
public struct NetexecService: ServiceLifecycle.Service {
    let podName: String
    let podIP: String
    let ports: [(port: Int, udp: Bool)]

    public init(podName: String, podIP: String, ports: [(port: Int, udp: Bool)]) {
        self.podName = podName
        self.podIP = podIP
        self.ports = ports
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await NetexecServer.start(podName: podName, podIP: podIP, ports: ports, group: group)
        try? await gracefulShutdown()
        await server.stop()
        try await group.shutdownGracefully()
    }
}
