import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SkiffMetrics

/// The cluster DNS server: one UDP socket and one TCP listener on the same address and port, answering from a
/// `DNSSnapshotStore` with `DNSResponder`. Binding happens in `bind` (so a caller can log the port the kernel
/// chose); `run()` serves until a graceful shutdown, then closes both sockets.
public final class DNSServer: Sendable {
    public struct Options: Sendable {
        public var listen: ListenAddress
        /// Datagrams read per recvmmsg call (measured: about 1.5x the queries/s of one read per call).
        public var vectorReadCount: Int
        /// A TCP connection that sends nothing for this long is closed (RFC 7766 6.2.3: seconds, not minutes).
        public var tcpIdleTimeout: TimeAmount
        /// Where queries and responses are counted; nil: not counted.
        public var metrics: DNSMetrics?

        public init(listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 1053), vectorReadCount: Int = 16,
                    tcpIdleTimeout: TimeAmount = .seconds(10), metrics: DNSMetrics? = nil) {
            self.listen = listen
            self.vectorReadCount = vectorReadCount
            self.tcpIdleTimeout = tcpIdleTimeout
            self.metrics = metrics
        }
    }

    /// Tries with port 0: the UDP socket gets a port from the kernel and TCP may find it taken.
    static let bindAttempts = 20

    public let udpChannel: any Channel
    public let tcpChannel: any Channel
    /// Where names outside the zone go; nil: they are answered REFUSED. Closed with the server.
    public let forwarder: DNSForwarder?
    let logger: Logger

    init(udpChannel: any Channel, tcpChannel: any Channel, forwarder: DNSForwarder?, logger: Logger) {
        self.udpChannel = udpChannel
        self.tcpChannel = tcpChannel
        self.forwarder = forwarder
        self.logger = logger
    }

    /// The port both sockets are bound to.
    public var port: Int { udpChannel.localAddress?.port ?? 0 }

    /// Binds UDP, then TCP on the port UDP got.
    public static func bind(_ options: Options, store: DNSSnapshotStore, forwarder: DNSForwarder? = nil,
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                            logger: Logger = Logger(label: "skiff.cluster-dns")) async throws -> DNSServer {
        let attempts = options.listen.port == 0 ? bindAttempts : 1
        var lastError: (any Error)?
        for _ in 0..<attempts {
            let udp = try await bindUDP(options, store: store, forwarder: forwarder, group: group)
            do {
                let port = udp.localAddress?.port ?? options.listen.port
                let tcp = try await bindTCP(options, port: port, store: store, forwarder: forwarder, group: group)
                return DNSServer(udpChannel: udp, tcpChannel: tcp, forwarder: forwarder, logger: logger)
            } catch {
                lastError = error
                try? await udp.close()
            }
        }
        throw ClusterDNSError(.bindFailed, "TCP \(options.listen): \(lastError.map { "\($0)" } ?? "no attempt")")
    }

    static func bindUDP(_ options: Options, store: DNSSnapshotStore, forwarder: DNSForwarder?,
                        group: any EventLoopGroup) async throws -> any Channel {
        let count = max(options.vectorReadCount, 1)
        var bootstrap = DatagramBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            // Each message of a vector read gets capacity/count bytes: 4 KiB covers any query with EDNS.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: count * 4096))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(DNSUDPHandler(store: store, forwarder: forwarder, metrics: options.metrics)) }
            }
        if count > 1 { bootstrap = bootstrap.channelOption(.datagramVectorReadMessageCount, value: count) }
        return try await bootstrap.bind(host: options.listen.host, port: options.listen.port).get()
    }

    static func bindTCP(_ options: Options, port: Int, store: DNSSnapshotStore, forwarder: DNSForwarder?,
                        group: any EventLoopGroup) async throws -> any Channel {
        let (idle, metrics) = (options.tcpIdleTimeout, options.metrics)
        return try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(IdleStateHandler(readTimeout: idle))
                    try pipeline.addHandler(ByteToMessageHandler(DNSFrameDecoder()))
                    try pipeline.addHandler(DNSTCPHandler(store: store, forwarder: forwarder, metrics: metrics))
                }
            }
            .bind(host: options.listen.host, port: port).get()
    }

    /// Closes both sockets; TCP connections already accepted finish on their own (idle timeout).
    public func close() async {
        try? await udpChannel.close()
        try? await tcpChannel.close()
        await forwarder?.close()
    }
}

extension DNSServer: ServiceLifecycle.Service {
    /// Serves until a graceful shutdown (SIGTERM) or cancellation, then closes the sockets.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
        logger.info("DNS server stopped")
    }
}
