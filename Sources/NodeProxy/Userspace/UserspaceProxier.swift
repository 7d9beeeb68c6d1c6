#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import NIOPosix

/// The `userspace` mode: an unprivileged TCP and UDP forwarder bound to each Service's IPv4 ClusterIP:port (and
/// NodePort on the node address), for one-host clusters whose ClusterIPs live in 127.96.0.0/16 on loopback.
///
/// Sockets are opened with SO_REUSEADDR and SO_REUSEPORT so that the node proxies of several simulated nodes on
/// one host share each address; the kernel spreads connections among them. A sync reopens only the listeners of
/// changed ports whose addresses changed; an endpoint change swaps the balancer's list under the open listener.
public actor UserspaceProxier: Proxier {
    public struct Options: Sendable {
        /// The address NodePorts listen on.
        public var nodeAddress: String
        /// How long a connect to one endpoint may take before the next is tried.
        public var connectTimeout: TimeAmount
        /// A UDP client's session closes after this long without datagrams either way.
        public var udpIdleTimeout: TimeAmount

        public init(nodeAddress: String = "127.0.0.1", connectTimeout: TimeAmount = .seconds(1),
                    udpIdleTimeout: TimeAmount = .seconds(30)) {
            self.nodeAddress = nodeAddress
            self.connectTimeout = connectTimeout
            self.udpIdleTimeout = udpIdleTimeout
        }
    }

    public nonisolated let mode = ProxyMode.userspace
    private let group: any EventLoopGroup
    private let options: Options
    private let logger: Logger
    private var forwarders: [ServicePortName: Forwarder] = [:]
    /// The cluster endpoints of every forwarder, summed as they change (a report must not walk every port).
    private var endpointCount = 0
    private let connections = UserspaceConnections()

    /// - Parameter group: the event loops every listener and connection runs on; the caller owns and shuts it.
    public init(group: any EventLoopGroup, options: Options = Options(),
                logger: Logger = Logger(label: "skiff.kube-proxy.userspace")) {
        self.group = group
        self.options = options
        self.logger = logger
    }

    public func sync(_ update: ProxyUpdate) async throws -> SyncReport {
        let start = ContinuousClock.now
        let snapshot = update.snapshot
        let ports = update.full ? Set(forwarders.keys).union(snapshot.services.keys) : update.changed
        var written = 0
        var failure: (any Error)?
        for name in ports.sorted() {
            guard let info = snapshot.services[name], let binding = Binding(info) else {
                written += await close(name)
                continue
            }
            let selection = snapshot.selection(for: name)
            if let existing = forwarders[name], existing.binding == binding {
                endpointCount += selection.cluster.count - existing.endpointCount
                existing.update(selection, affinity: info.sessionAffinity)
                continue
            }
            written += await close(name)
            do {
                let forwarder = try await open(name, binding: binding, selection: selection, affinity: info.sessionAffinity)
                forwarders[name] = forwarder
                endpointCount += forwarder.endpointCount
                written += forwarder.channels.count
            } catch {
                logger.warning("cannot listen for \(name): \(error)")
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return SyncReport(servicePorts: forwarders.count, endpoints: endpointCount,
                          rulesWritten: written, duration: ContinuousClock.now - start)
    }

    /// Closes every listener, then every connection still open through them.
    public func shutdown() async {
        for name in forwarders.keys.sorted() { _ = await close(name) }
        await connections.closeAll()
    }

    /// TCP connections accepted and still open: for status and tests.
    public var openConnections: Int { connections.count }

    /// The addresses (`ip:port/proto`) listened on for `port`, empty when none: for status and tests.
    public func listeners(for port: ServicePortName) -> [String] {
        forwarders[port]?.channels.compactMap { channel in
            channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)/\(port.protocol.rawValue)" }
        } ?? []
    }

    /// Closes `name`'s sockets (and so its connections' acceptance; open connections end on their own).
    private func close(_ name: ServicePortName) async -> Int {
        guard let forwarder = forwarders.removeValue(forKey: name) else { return 0 }
        endpointCount -= forwarder.endpointCount
        for channel in forwarder.channels { try? await channel.close() }
        return forwarder.channels.count
    }

    private func open(_ name: ServicePortName, binding: Binding, selection: EndpointSelection,
                      affinity: SessionAffinity) async throws -> Forwarder {
        let forwarder = Forwarder(binding: binding, selection: selection, affinity: affinity)
        var addresses: [(host: String, port: Int, balancer: UserspaceBalancer)] = []
        if let clusterIP = binding.clusterIP { addresses.append((clusterIP, binding.port, forwarder.cluster)) }
        if let nodePort = binding.nodePort { addresses.append((options.nodeAddress, nodePort, forwarder.external)) }
        do {
            for address in addresses {
                forwarder.channels.append(try await listen(binding.protocol, host: address.host, port: address.port, balancer: address.balancer))
            }
        } catch {
            for channel in forwarder.channels { try? await channel.close() }
            throw error
        }
        logger.debug("listening for \(name) on \(addresses.map { "\($0.host):\($0.port)" })")
        return forwarder
    }

    private func listen(_ proto: TransportProtocol, host: String, port: Int, balancer: UserspaceBalancer) async throws -> any Channel {
        switch proto {
        case .tcp, .sctp:
            return try await UserspaceTCPForwarder.listen(group: group, host: host, port: port, balancer: balancer,
                                                          connections: connections, connectTimeout: options.connectTimeout, logger: logger)
        case .udp:
            let idle = options.udpIdleTimeout
            return try await DatagramBootstrap(group: group)
                .channelOption(.socketOption(.so_reuseaddr), value: 1)
                .channelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(UserspaceUDPRelay(balancer: balancer, idleTimeout: idle))
                    }
                }
                .bind(host: host, port: port)
                .get()
        }
    }
}

extension UserspaceProxier {
    /// What a Service port's sockets are bound to; when it changes the sockets are reopened.
    struct Binding: Hashable {
        var clusterIP: String?
        var port: Int
        var `protocol`: TransportProtocol
        var nodePort: Int?

        /// Nil for what this mode cannot serve: SCTP, and ports with neither an IPv4 ClusterIP nor a NodePort.
        init?(_ info: ServicePortInfo) {
            guard info.protocol != .sctp, info.clusterIPv4 != nil || info.nodePort != nil else { return nil }
            clusterIP = info.clusterIPv4
            port = info.port
            self.protocol = info.protocol
            nodePort = info.nodePort
        }
    }

    /// One Service port's sockets and the balancers their connections pick endpoints from.
    final class Forwarder {
        let binding: Binding
        let cluster: UserspaceBalancer
        let external: UserspaceBalancer
        var channels: [any Channel] = []
        /// How many endpoints cluster traffic picks from (for sync reports).
        private(set) var endpointCount: Int

        init(binding: Binding, selection: EndpointSelection, affinity: SessionAffinity) {
            self.binding = binding
            cluster = UserspaceBalancer(endpoints: selection.cluster, affinity: affinity)
            external = UserspaceBalancer(endpoints: selection.external, affinity: affinity)
            endpointCount = selection.cluster.count
        }

        func update(_ selection: EndpointSelection, affinity: SessionAffinity) {
            cluster.update(endpoints: selection.cluster, affinity: affinity)
            external.update(endpoints: selection.external, affinity: affinity)
            endpointCount = selection.cluster.count
        }
    }
}
