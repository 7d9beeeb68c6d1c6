#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import SkiffMetrics

/// The cluster DNS server: `udpSockets` UDP sockets and one TCP listener on the same address and port, answering
/// from a `DNSSnapshotStore` with `DNSResponder`. The UDP sockets share the port with SO_REUSEPORT, each on its own
/// event loop (as Knot's and CoreDNS's UDP workers do): the kernel spreads clients over them by address and port,
/// so queries from many clients are answered on every core instead of one. Binding happens in `bind` (so a caller can log the port the kernel
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
        /// UDP sockets bound to the address with SO_REUSEPORT, one per event loop (more than the group has loops: one
        /// per loop).
        public var udpSockets: Int

        /// One UDP socket per core (the default event loop group has one loop per core).
        public static var defaultUDPSockets: Int { System.coreCount }

        public init(listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 1053), vectorReadCount: Int = 16,
                    tcpIdleTimeout: TimeAmount = .seconds(10), metrics: DNSMetrics? = nil,
                    udpSockets: Int = Options.defaultUDPSockets) {
            self.listen = listen
            self.vectorReadCount = vectorReadCount
            self.tcpIdleTimeout = tcpIdleTimeout
            self.metrics = metrics
            self.udpSockets = udpSockets
        }
    }

    /// Tries with port 0: the UDP socket gets a port from the kernel and TCP may find it taken.
    static let bindAttempts = 20

    /// The UDP sockets (the first is the one the port was picked with).
    public let udpChannels: [any Channel]
    public let tcpChannel: any Channel
    /// Where names outside the zone go; nil: they are answered REFUSED. Closed with the server.
    public let forwarder: DNSForwarder?
    let logger: Logger

    init(udpChannels: [any Channel], tcpChannel: any Channel, forwarder: DNSForwarder?, logger: Logger) {
        self.udpChannels = udpChannels
        self.tcpChannel = tcpChannel
        self.forwarder = forwarder
        self.logger = logger
    }

    public var udpChannel: any Channel { udpChannels[0] }

    /// The port every socket is bound to.
    public var port: Int { udpChannel.localAddress?.port ?? 0 }

    /// Binds one UDP socket, then TCP and the other UDP sockets on the port it got.
    public static func bind(_ options: Options, store: DNSSnapshotStore, forwarder: DNSForwarder? = nil,
                            group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                            logger: Logger = Logger(label: "skiff.cluster-dns")) async throws -> DNSServer {
        let attempts = options.listen.port == 0 ? bindAttempts : 1
        var lastError: (any Error)?
        // One socket per event loop: each loop reads its own socket.
        let loops = Array(group.makeIterator().prefix(max(options.udpSockets, 1)))
        for _ in 0..<attempts {
            let udp = try await bindUDP(options, port: options.listen.port, store: store, forwarder: forwarder, loop: loops[0])
            var others: [any Channel] = []
            do {
                let port = udp.localAddress?.port ?? options.listen.port
                let tcp = try await bindTCP(options, port: port, store: store, forwarder: forwarder, group: group)
                do {
                    for loop in loops.dropFirst() {
                        others.append(try await bindUDP(options, port: port, store: store, forwarder: forwarder, loop: loop))
                    }
                } catch {
                    try? await tcp.close()
                    throw error
                }
                return DNSServer(udpChannels: [udp] + others, tcpChannel: tcp, forwarder: forwarder, logger: logger)
            } catch {
                lastError = error
                for channel in [udp] + others { try? await channel.close() }
            }
        }
        throw ClusterDNSError(.bindFailed, "\(options.listen): \(lastError.map { "\($0)" } ?? "no attempt")")
    }

    /// One UDP socket on `loop`; SO_REUSEPORT so that several can share the port.
    static func bindUDP(_ options: Options, port: Int, store: DNSSnapshotStore, forwarder: DNSForwarder?,
                        loop: any EventLoop) async throws -> any Channel {
        let count = max(options.vectorReadCount, 1)
        var bootstrap = DatagramBootstrap(group: loop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.soReusePort), value: 1)
            // Each message of a vector read gets capacity/count bytes: 4 KiB covers any query with EDNS.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: count * 4096))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(DNSUDPHandler(store: store, forwarder: forwarder, metrics: options.metrics)) }
            }
        if count > 1 { bootstrap = bootstrap.channelOption(.datagramVectorReadMessageCount, value: count) }
        return try await bootstrap.bind(host: options.listen.host, port: port).get()
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

    /// Closes every socket; TCP connections already accepted finish on their own (idle timeout).
    public func close() async {
        for channel in udpChannels { try? await channel.close() }
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

extension NIOBSDSocket.Option {
    /// SO_REUSEPORT (NIO names only SO_REUSEADDR): several sockets of one user on one address and port, with the
    /// kernel spreading incoming datagrams over them by the sender's address and port.
    static var soReusePort: NIOBSDSocket.Option { NIOBSDSocket.Option(rawValue: SO_REUSEPORT) }
}
