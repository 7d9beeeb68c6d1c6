@testable import ClusterDNS
import NIOCore
import NIOPosix
import SkiffAPI
import SkiffDNS
import SkiffMetrics
import Testing

/// The server over real sockets on 127.0.0.1 (port 0), answering from a fixed snapshot.
@Suite struct DNSServerTests {
    static let services: [Service] = [
        Service(metadata: ObjectMeta(name: "web", namespace: "default"), spec: ServiceSpec(
            ports: [ServicePort(name: "http", protocol: "TCP", port: 80)], clusterIP: "10.96.0.10")),
        Service(metadata: ObjectMeta(name: "many", namespace: "default"), spec: ServiceSpec(clusterIP: "None")),
    ]

    /// 100 ready endpoints: far more A records than fit in 512 bytes.
    static let slices: [EndpointSlice] = [
        EndpointSlice(
            metadata: ObjectMeta(name: "many-abc", namespace: "default", labels: [EndpointSlice.serviceNameLabel: "many"]),
            addressType: "IPv4",
            endpoints: (1...100).map { Endpoint(addresses: ["10.244.0.\($0)"], conditions: EndpointConditions(ready: true)) }),
    ]

    static let snapshotWithWeb = DNSSnapshot(services: services, endpointSlices: slices)

    static func query(_ qname: String, _ qtype: DNSType, id: UInt16) -> [UInt8] {
        DNSMessage(header: DNSHeader(id: id, recursionDesired: true),
                   questions: [DNSQuestion(name: try! DNSName(qname), type: qtype)]).serialize()
    }

    /// Runs `body` against a server bound to a kernel-chosen port, then closes it.
    static func withServer(snapshot: DNSSnapshot = DNSSnapshot(services: services, endpointSlices: slices),
                           idleTimeout: TimeAmount = .seconds(10), udpSockets: Int = 2,
                           _ body: (DNSServer, DNSSnapshotStore) async throws -> Void) async throws {
        let store = DNSSnapshotStore(config: try DNSConfig(), initial: snapshot)
        let server = try await DNSServer.bind(
            DNSServer.Options(listen: ListenAddress(host: "127.0.0.1", port: 0), tcpIdleTimeout: idleTimeout, udpSockets: udpSockets),
            store: store, group: group)
        do {
            try await body(server, store)
        } catch {
            await server.close()
            throw error
        }
        await server.close()
    }

    /// Two loops, so that two UDP sockets are possible on any machine.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    @Test func bindsUDPAndTCPToOnePort() async throws {
        try await Self.withServer { server, _ in
            #expect(server.port > 0)
            #expect(server.udpChannels.count == 2)
            #expect(server.udpChannels.allSatisfy { $0.localAddress?.port == server.port })
            #expect(server.tcpChannel.localAddress?.port == server.port)
            // One socket per event loop.
            #expect(server.udpChannels[0].eventLoop !== server.udpChannels[1].eventLoop)
        }
    }

    /// Clients on many source ports, which the kernel spreads over the SO_REUSEPORT sockets, all get answers from
    /// a snapshot swapped in after the sockets started.
    @Test func clientsOnManyPortsAllGetAnswers() async throws {
        try await Self.withServer(snapshot: .notReady) { server, store in
            store.replace(with: Self.snapshotWithWeb)
            let clients = try (0..<32).map { _ in try SocketClient(udpTo: server.port) }
            for (index, client) in clients.enumerated() {
                try client.send(Self.query("web.default.svc.cluster.local", .a, id: UInt16(index)))
            }
            for (index, client) in clients.enumerated() {
                let reply = try DNSMessage(parsing: try client.receiveDatagram())
                #expect(reply.header.id == UInt16(index))
                #expect(reply.answers.map(\.data) == [.a(IPAddr("10.96.0.10")!)])
            }
        }
    }

    @Test func oneUDPSocketWhenAsked() async throws {
        try await Self.withServer(udpSockets: 1) { server, _ in
            #expect(server.udpChannels.count == 1)
        }
    }

    @Test func answersAOverUDP() async throws {
        try await Self.withServer { server, _ in
            let client = try SocketClient(udpTo: server.port)
            try client.send(Self.query("web.default.svc.cluster.local", .a, id: 7))
            let reply = try DNSMessage(parsing: try client.receiveDatagram())
            #expect(reply.header.id == 7)
            #expect(reply.rcode == .noError)
            #expect(reply.answers.map(\.data) == [.a(IPAddr("10.96.0.10")!)])
        }
    }

    @Test func answersTwoQueriesOnOneTCPConnection() async throws {
        try await Self.withServer { server, _ in
            let client = try SocketClient(tcpTo: server.port)
            // Both sent before either answer is read (pipelined, RFC 7766 6.2.1.1).
            try client.sendFramed(Self.query("_http._tcp.web.default.svc.cluster.local", .srv, id: 1))
            try client.sendFramed(Self.query("missing.default.svc.cluster.local", .a, id: 2))
            let first = try DNSMessage(parsing: try client.receiveFramed())
            let second = try DNSMessage(parsing: try client.receiveFramed())
            #expect(first.header.id == 1)
            #expect(first.answers.map(\.data) == [.srv(priority: 0, weight: 100, port: 80, target: try DNSName("web.default.svc.cluster.local"))])
            #expect(second.header.id == 2)
            #expect(second.rcode == .nxDomain)
        }
    }

    @Test func truncatedOverUDPThenCompleteOverTCP() async throws {
        try await Self.withServer { server, _ in
            let udp = try SocketClient(udpTo: server.port)
            try udp.send(Self.query("many.default.svc.cluster.local", .a, id: 3))
            let short = try DNSMessage(parsing: try udp.receiveDatagram())
            #expect(short.header.truncated)
            #expect(short.answers.count < 100)

            let tcp = try SocketClient(tcpTo: server.port)
            try tcp.sendFramed(Self.query("many.default.svc.cluster.local", .a, id: 4))
            let full = try DNSMessage(parsing: try tcp.receiveFramed())
            #expect(!full.header.truncated)
            #expect(full.answers.count == 100)
        }
    }

    @Test func servesWhateverSnapshotIsSwappedIn() async throws {
        try await Self.withServer(snapshot: .notReady) { server, store in
            let client = try SocketClient(udpTo: server.port)
            try client.send(Self.query("web.default.svc.cluster.local", .a, id: 5))
            #expect(try DNSMessage(parsing: try client.receiveDatagram()).rcode == .servFail)
            store.replace(with: DNSSnapshot(services: Self.services, endpointSlices: []))
            try client.send(Self.query("web.default.svc.cluster.local", .a, id: 6))
            #expect(try DNSMessage(parsing: try client.receiveDatagram()).rcode == .noError)
        }
    }

    @Test func dropsResponsesAndAnswersTheNextQuery() async throws {
        try await Self.withServer { server, _ in
            let client = try SocketClient(udpTo: server.port)
            var response = Self.query("web.default.svc.cluster.local", .a, id: 8)
            response[2] |= 0x80
            try client.send(response)
            try client.send(Self.query("web.default.svc.cluster.local", .a, id: 9))
            // The first datagram back answers the second packet: the response was dropped.
            #expect(try DNSMessage(parsing: try client.receiveDatagram()).header.id == 9)
        }
    }

    @Test func closesIdleTCPConnections() async throws {
        try await Self.withServer(idleTimeout: .milliseconds(200)) { server, _ in
            let client = try SocketClient(tcpTo: server.port, timeoutSeconds: 5)
            #expect(client.peerClosed())
        }
    }
}
