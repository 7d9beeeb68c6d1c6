import NIOCore
import NIOHTTP1
import NIOPosix

/// The server a container without a `command` runs: like Kubernetes' agnhost netexec test image, it answers on
/// each declared port with who it is, so that a real manifest "just runs" and traffic through a Service shows
/// which Pod served it.
///
/// TCP ports speak HTTP/1.1: `GET /hostname` answers the Pod's name, `GET /healthz` answers `ok`, any other path
/// answers `<pod name> <pod IP>`. UDP ports answer every datagram with `<pod name> <pod IP>`.
public final class NetexecServer: Sendable {
    public let podName: String
    public let podIP: String
    private let channels: [any Channel]

    private init(podName: String, podIP: String, channels: [any Channel]) {
        self.podName = podName
        self.podIP = podIP
        self.channels = channels
    }

    /// Binds every port on `podIP`; throws (closing what it opened) when one cannot be bound.
    public static func start(podName: String, podIP: String, ports: [(port: Int, udp: Bool)],
                             group: any EventLoopGroup) async throws -> NetexecServer {
        let identity = "\(podName) \(podIP)\n"
        var channels: [any Channel] = []
        do {
            for port in ports {
                if port.udp {
                    let channel = try await DatagramBootstrap(group: group)
                        .channelOption(.socketOption(.so_reuseaddr), value: 1)
                        .channelInitializer { $0.pipeline.addHandler(UDPIdentityHandler(identity: identity)) }
                        .bind(host: podIP, port: port.port).get()
                    channels.append(channel)
                } else {
                    let channel = try await ServerBootstrap(group: group)
                        .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                        .childChannelInitializer { channel in
                            channel.pipeline.configureHTTPServerPipeline().flatMap {
                                channel.pipeline.addHandler(HTTPIdentityHandler(podName: podName, identity: identity))
                            }
                        }
                        .bind(host: podIP, port: port.port).get()
                    channels.append(channel)
                }
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw KubeletError(.startFailed, "cannot serve on \(podIP): \(error)")
        }
        return NetexecServer(podName: podName, podIP: podIP, channels: channels)
    }

    public func stop() async {
        for channel in channels { try? await channel.close() }
    }
}

/// Answers each HTTP request on one connection.
final class HTTPIdentityHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let podName: String
    let identity: String
    private var head: HTTPRequestHead?

    init(podName: String, identity: String) {
        self.podName = podName
        self.identity = identity
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): self.head = head
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let path = head.uri.split(separator: "?").first.map(String.init) ?? "/"
            let body: String
            switch path {
            case "/hostname": body = podName
            case "/healthz": body = "ok"
            default: body = identity
            }
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "Content-Length", value: "\(body.utf8.count)")
            if !head.isKeepAlive { headers.add(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
            let keepAlive = head.isKeepAlive
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
                if !keepAlive { context.close(promise: nil) }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Answers every datagram with the Pod's identity.
final class UDPIdentityHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let identity: String

    init(identity: String) { self.identity = identity }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let reply = AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: context.channel.allocator.buffer(string: identity))
        context.writeAndFlush(wrapOutboundOut(reply), promise: nil)
    }
}
