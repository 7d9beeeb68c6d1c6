import NIOCore
import SkiffDNS

/// Splits a TCP stream into DNS messages by their two-byte length prefix (RFC 1035 4.2.2).
struct DNSFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt16.self),
              buffer.readableBytes >= 2 + Int(length)
        else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 2)
        let frame = buffer.readSlice(length: Int(length))!
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        try decode(context: context, buffer: &buffer)
    }
}

/// Answers each framed query on one connection, in order (RFC 7766 allows pipelining: clients send several queries
/// without waiting). A connection idle for the read timeout, or that fails, is closed.
final class DNSTCPHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

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
        let frame = Self.unwrapInboundIn(data)
        let packet = Array(frame.readableBytesView)
        let answer = reader.answer(packet, over: .tcp)
        guard let answer else {
            metrics?.record(query: packet, response: nil, over: .tcp)
            return
        }
        if let forwarder, let query = DNSForwarder.forwardable(packet, response: answer, config: store.config) {
            // Answers may come back out of order: RFC 7766 6.2.1.1 allows it, clients match ids.
            let (channel, metrics) = (context.channel, metrics)
            forwarder.forward(packet, query: query) { reply in
                metrics?.record(query: packet, response: reply, over: .tcp)
                channel.writeAndFlush(Self.framed(reply), promise: nil)
            }
            return
        }
        metrics?.record(query: packet, response: answer, over: .tcp)
        context.write(Self.wrapOutboundOut(Self.framed(answer)), promise: nil)
        needsFlush = true
    }

    /// The message behind its two-byte length.
    static func framed(_ message: [UInt8]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(message.count + 2)
        buffer.writeInteger(UInt16(message.count))
        buffer.writeBytes(message)
        return buffer
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

@available(*, unavailable)
extension DNSTCPHandler: Sendable {}
