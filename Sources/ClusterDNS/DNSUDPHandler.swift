import NIOCore
import SkiffDNS

/// Answers each datagram with one datagram (or drops it). Lives on its channel's event loop; answers are flushed
/// once per read burst, so a vector read of 16 queries costs one flush.
///
/// Common queries take `DNSFastPath`: the answer is copied from the snapshot's answer table into `output`, one
/// buffer reused across bursts, and sent at the end of the burst as slices of it. Once the flush has handed the
/// datagrams to the kernel the slices are gone and `output` is this handler's alone again, so the next burst
/// writes into the same memory (if a write is still pending, the next write copies the buffer: correct, just not
/// free). Everything else takes the general path (`DNSResponder`).
final class DNSUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    /// Room for a read burst of fast answers before `output` must grow.
    static let outputCapacity = 64 * 1024

    private var reader: DNSSnapshotStore.Reader
    private var store: DNSSnapshotStore { reader.store }
    private let forwarder: DNSForwarder?
    private let metrics: DNSMetrics?
    private var needsFlush = false
    private var output: ByteBuffer?
    /// Fast answers of this burst: where each lies in `output` and whom it goes to.
    private var pending: [(remote: SocketAddress, start: Int, length: Int)] = []

    init(store: DNSSnapshotStore, forwarder: DNSForwarder? = nil, metrics: DNSMetrics? = nil) {
        reader = DNSSnapshotStore.Reader(store)
        self.forwarder = forwarder
        self.metrics = metrics
        pending.reserveCapacity(64)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        output = context.channel.allocator.buffer(capacity: Self.outputCapacity)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        if fastAnswer(envelope) { return }
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

    /// Appends the fast answer to `output` and queues it; false: the query needs the general path.
    private func fastAnswer(_ envelope: AddressedEnvelope<ByteBuffer>) -> Bool {
        guard output != nil else { return false }
        var answered: DNSFastPath.Answered?
        let start = output!.writerIndex
        envelope.data.withUnsafeReadableBytes { query in
            _ = output!.writeWithUnsafeMutableBytes(minimumWritableBytes: DNSFastPath.maxResponseLength) { out in
                answered = reader.fastAnswer(query, into: out)
                return answered?.length ?? 0
            }
        }
        guard let answered else { return false }
        metrics?.record(fastQtype: answered.qtype, over: .udp)
        pending.append((envelope.remoteAddress, start, answered.length))
        return true
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if !pending.isEmpty, let buffer = output {
            for answer in pending {
                let slice = buffer.getSlice(at: answer.start, length: answer.length)!
                context.write(Self.wrapOutboundOut(AddressedEnvelope(remoteAddress: answer.remote, data: slice)), promise: nil)
            }
            pending.removeAll(keepingCapacity: true)
            needsFlush = true
        }
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        // The slices are sent (or queued, holding their own reference): start the buffer over.
        output?.clear()
    }

    /// One client's error (an ICMP port unreachable, say) must not close the socket every client shares.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

@available(*, unavailable)
extension DNSUDPHandler: Sendable {}
