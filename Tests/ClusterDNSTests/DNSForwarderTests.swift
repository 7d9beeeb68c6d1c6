@testable import ClusterDNS
import NIOCore
import SkiffAPI
import SkiffDNS
import SkiffMetrics
import Synchronization
import Testing

/// Forwarding names outside the zone, against a second DNS server (zone `upstream.test`) as the upstream.
@Suite struct DNSForwarderTests {
    static let upstreamSnapshot = DNSSnapshot(
        services: [Service(metadata: ObjectMeta(name: "web", namespace: "default"), spec: ServiceSpec(clusterIP: "10.96.7.7"))],
        endpointSlices: [])

    /// Runs `body` with a cluster.local server forwarding to `upstreamPort` (or to a live upstream server).
    static func withForwardingServer(upstreamPort: Int? = nil, timeout: TimeAmount = .seconds(2),
                                     _ body: (_ port: Int) async throws -> Void) async throws {
        let upstreamStore = DNSSnapshotStore(config: try DNSConfig(zone: "upstream.test"), initial: upstreamSnapshot)
        let upstream = try await DNSServer.bind(DNSServer.Options(listen: ListenAddress(host: "127.0.0.1", port: 0)), store: upstreamStore)
        let forwarder = try await DNSForwarder.start(
            upstream: ListenAddress(host: "127.0.0.1", port: upstreamPort ?? upstream.port), timeout: timeout)
        let store = DNSSnapshotStore(config: try DNSConfig(), initial: DNSServerTests.snapshotWithWeb)
        let server = try await DNSServer.bind(
            DNSServer.Options(listen: ListenAddress(host: "127.0.0.1", port: 0)), store: store, forwarder: forwarder)
        do { try await body(server.port) } catch {
            await server.close(); await upstream.close()
            throw error
        }
        await server.close()
        await upstream.close()
    }

    @Test func relaysTheUpstreamAnswerOverUDPAndTCP() async throws {
        try await Self.withForwardingServer { port in
            let udp = try SocketClient(udpTo: port)
            try udp.send(DNSServerTests.query("web.default.svc.upstream.test", .a, id: 41))
            let viaUDP = try DNSMessage(parsing: try udp.receiveDatagram())
            #expect(viaUDP.header.id == 41)
            #expect(viaUDP.answers.map(\.data) == [.a(IPAddr("10.96.7.7")!)])

            let tcp = try SocketClient(tcpTo: port)
            try tcp.sendFramed(DNSServerTests.query("web.default.svc.upstream.test", .a, id: 42))
            try tcp.sendFramed(DNSServerTests.query("web.default.svc.cluster.local", .a, id: 43))
            let replies = try [tcp.receiveFramed(), tcp.receiveFramed()].map { try DNSMessage(parsing: $0) }
            let byID = Dictionary(uniqueKeysWithValues: replies.map { ($0.header.id, $0) })
            #expect(byID[42]?.answers.map(\.data) == [.a(IPAddr("10.96.7.7")!)])
            // In-zone names are still answered here.
            #expect(byID[43]?.answers.map(\.data) == [.a(IPAddr("10.96.0.10")!)])
        }
    }

    @Test func upstreamNXDOMAINIsRelayed() async throws {
        try await Self.withForwardingServer { port in
            let udp = try SocketClient(udpTo: port)
            try udp.send(DNSServerTests.query("nope.default.svc.upstream.test", .a, id: 44))
            let reply = try DNSMessage(parsing: try udp.receiveDatagram())
            #expect(reply.rcode == .nxDomain)
            #expect(reply.header.id == 44)
        }
    }

    @Test func silentUpstreamGivesServfail() async throws {
        // A port with nothing behind it: bind a server, note its port, close it.
        let store = DNSSnapshotStore(config: try DNSConfig())
        let dead = try await DNSServer.bind(DNSServer.Options(listen: ListenAddress(host: "127.0.0.1", port: 0)), store: store)
        let deadPort = dead.port
        await dead.close()
        try await Self.withForwardingServer(upstreamPort: deadPort, timeout: .milliseconds(200)) { port in
            let udp = try SocketClient(udpTo: port)
            try udp.send(DNSServerTests.query("example.org", .a, id: 45))
            let reply = try DNSMessage(parsing: try udp.receiveDatagram())
            #expect(reply.rcode == .servFail)
            #expect(reply.header.id == 45)
        }
    }

    @Test func answersFromElsewhereOrForOtherQuestionsAreDropped() throws {
        let upstream = try SocketAddress(ipAddress: "127.0.0.1", port: 53)
        let table = ForwarderTable(upstream: upstream)
        let question = DNSQuestion(name: try DNSName("example.org"), type: .a)
        let replies = Mutex<[[UInt8]]>([])
        let (id, _) = table.insert(originalID: 7, questions: [question], reply: { bytes in replies.withLock { $0.append(bytes) } })
        func response(_ question: DNSQuestion) -> [UInt8] {
            DNSMessage(header: DNSHeader(id: id, isResponse: true), questions: [question]).serialize()
        }
        table.complete(response(question), from: try SocketAddress(ipAddress: "127.0.0.2", port: 53))
        table.complete(response(DNSQuestion(name: try DNSName("example.com"), type: .a)), from: upstream)
        #expect(replies.withLock { $0.isEmpty })
        table.complete(response(question), from: upstream)
        let relayed = replies.withLock { $0 }
        #expect(relayed.count == 1)
        #expect(try relayed.first.map { try DNSMessage(parsing: $0).header.id } == 7)
        #expect(table.count == 0)
    }
}
