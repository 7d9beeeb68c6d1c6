#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import NIOCore
import NIOPosix

/// Listens on one address for a Service port and splices each accepted connection to an endpoint.
///
/// Per connection the balancer orders the endpoints; each is tried once with a short connect timeout, the next
/// one when a connect fails. A connection no endpoint accepts (or a port with none) is reset at once (SO_LINGER
/// 0), so clients fail fast instead of timing out, as the nftables mode's reject does.
enum UserspaceTCPForwarder {
    static func listen(group: any EventLoopGroup, host: String, port: Int, balancer: UserspaceBalancer,
                       connections: UserspaceConnections, connectTimeout: TimeAmount, logger: Logger) async throws -> any Channel {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.socketOption(NIOBSDSocket.Option(rawValue: SO_REUSEPORT)), value: 1)
            .serverChannelOption(.backlog, value: 512)
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(OnActive {
                        connections.track(child)
                        let order = balancer.order(client: child.remoteAddress?.ipAddress)
                        connect(child, to: order[...], balancer: balancer, timeout: connectTimeout, logger: logger)
                    })
                }
            }
            .bind(host: host, port: port)
            .get()
    }

    /// Tries `endpoints` in order; splices `child` to the first that accepts, else resets `child`.
    private static func connect(_ child: any Channel, to endpoints: ArraySlice<EndpointInfo>, balancer: UserspaceBalancer,
                                timeout: TimeAmount, logger: Logger) {
        guard let endpoint = endpoints.first else {
            reset(child)
            return
        }
        guard let address = try? SocketAddress(ipAddress: endpoint.ip, port: endpoint.port) else {
            connect(child, to: endpoints.dropFirst(), balancer: balancer, timeout: timeout, logger: logger)
            return
        }
        ClientBootstrap(group: child.eventLoop)
            .connectTimeout(timeout)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            // Nothing may be read before the glue is in place, or a backend that speaks first loses its greeting.
            .channelOption(.autoRead, value: false)
            .connect(to: address)
            .whenComplete { result in
                switch result {
                case .success(let backend):
                    balancer.used(endpoint, client: child.remoteAddress?.ipAddress)
                    splice(child, backend)
                case .failure(let error):
                    logger.debug("endpoint \(endpoint) refused a connection: \(error); trying the next")
                    connect(child, to: endpoints.dropFirst(), balancer: balancer, timeout: timeout, logger: logger)
                }
            }
    }

    /// Glues the two channels (both on the child's event loop, where this runs) and starts reading the client.
    private static func splice(_ child: any Channel, _ backend: any Channel) {
        child.eventLoop.assertInEventLoop()
        guard child.isActive else {
            backend.close(promise: nil)
            child.close(promise: nil)
            return
        }
        let (clientSide, backendSide) = UserspaceGlueHandler.matchedPair()
        do {
            try child.pipeline.syncOperations.addHandler(clientSide)
            try backend.pipeline.syncOperations.addHandler(backendSide)
            try child.syncOptions?.setOption(.autoRead, value: true)
            try backend.syncOptions?.setOption(.autoRead, value: true)
        } catch {
            backend.close(promise: nil)
            child.close(promise: nil)
        }
    }

    /// Starts the connection to an endpoint once the accepted channel is registered and active, and gets out of
    /// the way.
    private final class OnActive: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        let action: () -> Void
        init(_ action: @escaping () -> Void) { self.action = action }

        func channelActive(context: ChannelHandlerContext) {
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            action()
            context.fireChannelActive()
        }
    }

    /// Closes with an RST rather than a FIN, so the client sees "connection reset" immediately.
    static func reset(_ channel: any Channel) {
        guard let provider = channel as? any SocketOptionProvider else {
            channel.close(promise: nil)
            return
        }
        provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenComplete { _ in channel.close(promise: nil) }
    }
}
