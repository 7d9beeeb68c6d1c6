#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import SkiffDNS
import Testing

@testable import ClusterDNS

/// The UDP fast path through real sockets: bursts of fast and general queries, each answered with exactly the
/// general path's bytes; and a loop of fast queries whose allocations can be counted from outside
/// (`SKIFF_DNS_ALLOC_QUERIES=N`, under `valgrind`: see docs/BENCHMARKS.md).
@Suite struct DNSFastPathServerTests {
    static let config = try! DNSConfig()
    static let snapshot = DNSSnapshot(services: DNSServerTests.services, endpointSlices: DNSServerTests.slices, answering: config)

    static func packet(_ qname: String, _ type: DNSType, id: UInt16, edns: EDNS? = nil) -> [UInt8] {
        DNSMessage(header: DNSHeader(id: id, recursionDesired: true),
                   questions: [DNSQuestion(name: try! DNSName(qname), type: type)], edns: edns).serialize()
    }

    @Test func aBurstOfMixedQueriesGetsTheGeneralPathsBytes() async throws {
        try await DNSServerTests.withServer(snapshot: Self.snapshot) { server, _ in
            let client = try SocketClient(udpTo: server.port)
            let names: [(String, DNSType)] = [
                ("web.default.svc.cluster.local", .a), ("WEB.default.SVC.cluster.local", .a),
                ("_http._tcp.web.default.svc.cluster.local", .srv), ("_HTTP._tcp.web.default.svc.cluster.local", .srv),
                ("missing.default.svc.cluster.local", .a), ("web.default.svc.cluster.local", .aaaa), ("example.com", .a),
            ]
            var packets: [UInt16: [UInt8]] = [:]
            var id: UInt16 = 100
            for (name, type) in names {
                for edns in [nil, EDNS(udpPayloadSize: 1232)] {
                    packets[id] = Self.packet(name, type, id: id, edns: edns)
                    id += 1
                }
            }
            for (_, packet) in packets.sorted(by: { $0.key < $1.key }) { try client.send(packet) }
            for _ in packets {
                let reply = try client.receiveDatagram()
                let replyID = UInt16(reply[0]) << 8 | UInt16(reply[1])
                let packet = try #require(packets[replyID])
                #expect(reply == DNSResponder.respond(to: packet, over: .udp, snapshot: Self.snapshot, config: Self.config),
                        "id \(replyID)")
            }
        }
    }

    /// Sends N fast-path queries one after another from a reused buffer and checks each answer in place, so that
    /// the test's own loop allocates nothing either: run with N and 10 N under valgrind, the difference in heap
    /// allocations over 9 N is the server's allocations per query.
    @Test func aLoopOfFastQueries() async throws {
        let count = Int(getenv("SKIFF_DNS_ALLOC_QUERIES").map { String(cString: $0) } ?? "") ?? 200
        try await DNSServerTests.withServer(snapshot: Self.snapshot, udpSockets: 1) { server, _ in
            let client = try SocketClient(udpTo: server.port)
            let query = Self.packet("web.default.svc.cluster.local", .a, id: 9)
            let expected = try #require(DNSResponder.respond(to: query, over: .udp, snapshot: Self.snapshot, config: Self.config))
            var reply = [UInt8](repeating: 0, count: 1500)
            var matching = 0
            for _ in 0..<count {
                _ = query.withUnsafeBytes { send(client.fd, $0.baseAddress, $0.count, 0) }
                let length = reply.withUnsafeMutableBytes { recv(client.fd, $0.baseAddress, $0.count, 0) }
                if length == expected.count && reply[..<length].elementsEqual(expected) { matching += 1 }
            }
            #expect(matching == count)
        }
    }
}
