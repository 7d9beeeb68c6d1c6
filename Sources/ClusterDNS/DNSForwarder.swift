import NIOCore
import NIOPosix
import SkiffDNS
import SkiffMetrics
import Synchronization

/// Forwards queries for names outside the zone to one upstream resolver over UDP and relays its answers unchanged
/// but for the id. Each forwarded query gets a fresh random id; an answer is accepted only from the upstream's
/// address, with a pending id and the same question, so a stray or spoofed packet cannot answer a client. A query
/// the upstream does not answer within `timeout` gets SERVFAIL.
public final class DNSForwarder: Sendable {
    public let upstream: SocketAddress
    public let timeout: TimeAmount
    let channel: any Channel
    let table: ForwarderTable

    init(upstream: SocketAddress, timeout: TimeAmount, channel: any Channel, table: ForwarderTable) {
        self.upstream = upstream
        self.timeout = timeout
        self.channel = channel
        self.table = table
    }

    /// Opens the UDP socket towards `upstream` (an IP address and port).
    public static func start(upstream address: ListenAddress, timeout: TimeAmount = .seconds(2),
                             group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) async throws -> DNSForwarder {
        let upstream: SocketAddress
        do {
            upstream = try SocketAddress(ipAddress: address.host, port: address.port)
        } catch {
            throw ClusterDNSError(.badAddress, "upstream \(address): the host must be an IP address")
        }
        let table = ForwarderTable(upstream: upstream)
        let channel = try await DatagramBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(ForwarderHandler(table: table)) }
            }
            .bind(host: upstream.protocol == .inet6 ? "::" : "0.0.0.0", port: 0).get()
        return DNSForwarder(upstream: upstream, timeout: timeout, channel: channel, table: table)
    }

    /// The parsed query when `packet`, answered `response` by the responder, should go upstream instead: a
    /// standard query for one IN name outside the zone (the responder REFUSED it), not a zone transfer.
    static func forwardable(_ packet: [UInt8], response: [UInt8], config: DNSConfig) -> DNSMessage? {
        guard response.count >= DNSMessage.headerLength, response[3] & 0x0F == UInt8(DNSRcode.refused.rawValue),
              let query = try? DNSMessage(parsing: packet), query.header.opcode == 0, query.questions.count == 1
        else { return nil }
        let question = query.questions[0]
        guard question.type != .axfr, question.type != .ixfr, question.qclass == DNSClass.internet,
              QueryName.parse(question.name, config: config) == .outOfZone
        else { return nil }
        return query
    }

    /// Sends `packet` (whose parse is `query`) upstream; `reply` gets the answer or a SERVFAIL, exactly once, on
    /// the forwarder's event loop.
    func forward(_ packet: [UInt8], query: DNSMessage, reply: @escaping @Sendable ([UInt8]) -> Void) {
        let failure = DNSMessage(
            header: DNSHeader(id: query.header.id, isResponse: true, opcode: 0, recursionDesired: query.header.recursionDesired),
            rcode: .servFail, questions: query.questions
        ).serialize(maxSize: DNSMessage.maxUDPSizeWithoutEDNS)
        let table = table
        let (id, serial) = table.insert(originalID: query.header.id, questions: query.questions, reply: reply)
        channel.eventLoop.scheduleTask(in: timeout) {
            if let pending = table.remove(id, serial: serial) { pending.reply(failure) }
        }
        var bytes = packet
        bytes[0] = UInt8(id >> 8)
        bytes[1] = UInt8(id & 0xFF)
        let envelope = AddressedEnvelope(remoteAddress: upstream, data: channel.allocator.buffer(bytes: bytes))
        channel.writeAndFlush(envelope, promise: nil)
    }

    public func close() async {
        try? await channel.close()
    }
}

/// The queries waiting for the upstream, by the id they were sent with.
final class ForwarderTable: Sendable {
    struct Pending: Sendable {
        /// Tells this query from a later one that reuses its id (so a stale timeout cannot fail the later one).
        let serial: UInt64
        let originalID: UInt16
        let questions: [DNSQuestion]
        let reply: @Sendable ([UInt8]) -> Void
    }

    struct State {
        var entries: [UInt16: Pending] = [:]
        var nextSerial: UInt64 = 0
    }

    let upstream: SocketAddress
    private let state = Mutex(State())

    init(upstream: SocketAddress) { self.upstream = upstream }

    /// Files `entry` under a random id not in use, and returns that id. With 65,536 ids and at most a few thousand
    /// queries in flight, a free one is found in a few tries.
    func insert(originalID: UInt16, questions: [DNSQuestion], reply: @escaping @Sendable ([UInt8]) -> Void) -> (id: UInt16, serial: UInt64) {
        state.withLock { state in
            var id = UInt16.random(in: .min ... .max)
            while state.entries[id] != nil { id = UInt16.random(in: .min ... .max) }
            state.nextSerial += 1
            state.entries[id] = Pending(serial: state.nextSerial, originalID: originalID, questions: questions, reply: reply)
            return (id, state.nextSerial)
        }
    }

    /// Takes the entry filed under `id` by the insert that returned `serial`, if it is still waiting.
    func remove(_ id: UInt16, serial: UInt64) -> Pending? {
        state.withLock { state in
            guard state.entries[id]?.serial == serial else { return nil }
            return state.entries.removeValue(forKey: id)
        }
    }

    var count: Int { state.withLock { $0.entries.count } }

    /// Relays an upstream answer to its client; anything else is dropped.
    func complete(_ packet: [UInt8], from address: SocketAddress) {
        guard address == upstream, packet.count >= DNSMessage.headerLength, packet[2] & 0x80 != 0,
              let response = try? DNSMessage(parsing: packet)
        else { return }
        let id = response.header.id
        let matched: Pending? = state.withLock { state in
            guard let entry = state.entries[id], entry.questions == response.questions else { return nil }
            return state.entries.removeValue(forKey: id)
        }
        guard let matched else { return }
        var bytes = packet
        bytes[0] = UInt8(matched.originalID >> 8)
        bytes[1] = UInt8(matched.originalID & 0xFF)
        matched.reply(bytes)
    }
}

/// Reads the upstream's answers on the forwarder's socket.
final class ForwarderHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let table: ForwarderTable

    init(table: ForwarderTable) { self.table = table }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        table.complete(Array(envelope.data.readableBytesView), from: envelope.remoteAddress)
    }

    /// An unreachable upstream (ICMP) must not close the socket: the pending queries time out into SERVFAIL.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

@available(*, unavailable)
extension ForwarderHandler: Sendable {}
