import NIOCore
import NIOPosix

/// The handler of a Service port's UDP socket: per client address a NAT-like session, an unconnected socket of
/// its own that sends the client's datagrams to one endpoint and relays that endpoint's replies back through the
/// Service socket, so that they come from the Service address.
///
/// Sessions idle for `idleTimeout` are closed. All state lives on the Service socket's event loop (sessions are
/// created on it), so the handler needs no lock.
final class UserspaceUDPRelay: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private struct Session {
        var channel: (any Channel)?
        var target: SocketAddress
        /// Datagrams that arrived while the session's socket was being bound.
        var queued: [ByteBuffer] = []
        var lastUsed: NIODeadline
    }

    private let balancer: UserspaceBalancer
    private let idleTimeout: TimeAmount
    private var sessions: [SocketAddress: Session] = [:]
    private var sweeper: RepeatedTask?

    init(balancer: UserspaceBalancer, idleTimeout: TimeAmount) {
        self.balancer = balancer
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let period = TimeAmount.nanoseconds(max(idleTimeout.nanoseconds / 2, 1_000_000))
        sweeper = context.eventLoop.scheduleRepeatedTask(initialDelay: period, delay: period) { _ in
            bound.value.sweep(now: .now())
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        sweeper?.cancel()
        sweeper = nil
        for session in sessions.values { session.channel?.close(promise: nil) }
        sessions = [:]
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let client = envelope.remoteAddress
        if var session = sessions[client] {
            session.lastUsed = .now()
            if let channel = session.channel {
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: session.target, data: envelope.data), promise: nil)
            } else {
                session.queued.append(envelope.data)
            }
            sessions[client] = session
            return
        }
        guard let endpoint = balancer.order(client: client.ipAddress).first,
              let target = try? SocketAddress(ipAddress: endpoint.ip, port: endpoint.port) else { return }
        balancer.used(endpoint, client: client.ipAddress)
        sessions[client] = Session(target: target, queued: [envelope.data], lastUsed: .now())
        open(client: client, target: target, context: context)
    }

    private func open(client: SocketAddress, target: SocketAddress, context: ChannelHandlerContext) {
        let service = context.channel
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        DatagramBootstrap(group: context.eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UserspaceUDPReply(service: service, client: client, target: target) {
                        bound.value.sessions[client]?.lastUsed = .now()
                    })
                }
            }
            .bind(host: target.protocol == .inet6 ? "::" : "0.0.0.0", port: 0)
            .whenComplete { result in
                bound.value.opened(client: client, result: result)
            }
    }

    private func opened(client: SocketAddress, result: Result<any Channel, any Error>) {
        guard case .success(let channel) = result, var session = sessions[client] else {
            if case .success(let channel) = result { channel.close(promise: nil) }
            sessions[client] = nil
            return
        }
        for datagram in session.queued {
            channel.write(AddressedEnvelope(remoteAddress: session.target, data: datagram), promise: nil)
        }
        channel.flush()
        session.queued = []
        session.channel = channel
        sessions[client] = session
    }

    private func sweep(now: NIODeadline) {
        for (client, session) in sessions where session.channel != nil && now - session.lastUsed >= idleTimeout {
            session.channel?.close(promise: nil)
            sessions[client] = nil
        }
    }
}

@available(*, unavailable)
extension UserspaceUDPRelay: Sendable {}

/// Relays one session's replies from its endpoint back to the client, through the Service socket.
final class UserspaceUDPReply: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let service: any Channel
    private let client: SocketAddress
    private let target: SocketAddress
    private let touched: () -> Void

    init(service: any Channel, client: SocketAddress, target: SocketAddress, touched: @escaping () -> Void) {
        self.service = service
        self.client = client
        self.target = target
        self.touched = touched
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.remoteAddress == target else { return }
        touched()
        service.writeAndFlush(AddressedEnvelope(remoteAddress: client, data: envelope.data), promise: nil)
    }
}

@available(*, unavailable)
extension UserspaceUDPReply: Sendable {}
