import NIOCore
import SkiffDNS

/// Answers each datagram with one datagram (or drops it). Lives on its channel's event loop; answers are written as
/// they are made and flushed once per read burst, so a vector read of 16 queries costs one flush.
final class DNSUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private var reader: DNSSnapshotStore.Reader
    private var store: DNSSnapshotStore { reader.store }
    private let forwarder: DNSForwarder?
    private let metrics: DNSMetrics?
    private var needsFlush = false

    init(store: DNSSnapshotStore, forwarder: DNSForwarder? = nil, metrics: DNSMetrics? = nil) {
        reader = DNSSnapshotStore.Reader(store)
        self.forwarder = forwarder
        self.metrics = metrics
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        let packet = Array(envelope.data.readableBytesView)
        let answer = reader.answer(packet, over: .udp)
        guard let answer else {
            metrics?.record(query: packet, response: nil, over: .udp)
            return
        }
        if let forwarder, let query = DNSForwarder.forwardable(packet, response: answer, config: store.config) {
            let (channel, client, metrics) = (context.channel, envelope.remoteAddress, metrics)
            forwarder.forward(packet, query: query) { reply in
                metrics?.record(query: packet, response: reply, over: .udp)
                channel.writeAndFlush(AddressedEnvelope(remoteAddress: client, data: ByteBuffer(bytes: reply)), promise: nil)
            }
            return
        }
        metrics?.record(query: packet, response: answer, over: .udp)
        let buffer = context.channel.allocator.buffer(bytes: answer)
        context.write(Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)), promise: nil)
        needsFlush = true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    /// One client's error (an ICMP port unreachable, say) must not close the socket every client shares.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

@available(*, unavailable)
extension DNSUDPHandler: Sendable {}
