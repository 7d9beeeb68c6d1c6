import SkiffAPI
@testable import SkiffDNS
import Testing

@Suite struct ResponderTests {
    static let many: DNSSnapshot = {
        let endpoints = (0..<200).map { Fixture.endpoint("10.244.\($0 / 100).\($0 % 100 + 1)") }
        return DNSSnapshot(services: [Fixture.service("big", clusterIP: "None")],
                           endpointSlices: [Fixture.slice("big-1", service: "big", endpoints)])
    }()
    static let big = "big.default.svc.cluster.local."

    struct SizeCase: Sendable, CustomTestStringConvertible {
        let name: String
        let transport: DNSTransport
        let bufferSize: UInt16?
        let cap: Int
        let truncated: Bool
        var testDescription: String { name }
    }

    /// 200 A records need about 3.3 KB: too much for 512 or 1232 bytes, enough for 4096 or TCP.
    static let sizes: [SizeCase] = [
        SizeCase(name: "UDP without EDNS", transport: .udp, bufferSize: nil, cap: 1232, truncated: true),
        SizeCase(name: "UDP EDNS 4096 capped at 1232", transport: .udp, bufferSize: 4096, cap: 1232, truncated: true),
        SizeCase(name: "UDP EDNS 4096 with cap 4096", transport: .udp, bufferSize: 4096, cap: 4096, truncated: false),
        SizeCase(name: "UDP EDNS 1400 with cap 4096", transport: .udp, bufferSize: 1400, cap: 4096, truncated: true),
        SizeCase(name: "UDP EDNS below 512 counts as 512", transport: .udp, bufferSize: 100, cap: 4096, truncated: true),
        SizeCase(name: "TCP", transport: .tcp, bufferSize: nil, cap: 1232, truncated: false),
    ]

    @Test(arguments: sizes)
    func truncation(_ row: SizeCase) throws {
        let config = try DNSConfig(maxUDPPayload: row.cap)
        let edns = row.bufferSize.map { EDNS(udpPayloadSize: $0) }
        let query = Fixture.query(Self.big, .a, edns: edns)
        let bytes = try #require(DNSResponder.respond(to: query, over: row.transport, snapshot: Self.many, config: config))
        let limit = row.transport == .tcp ? 65535 : min(max(Int(row.bufferSize ?? 512), 512), row.cap)
        #expect(bytes.count <= limit)
        let reply = try DNSMessage(parsing: bytes)
        #expect(reply.header.truncated == row.truncated)
        #expect(reply.rcode == .noError)
        // Whole RRsets only: all 200 records or none.
        #expect(reply.answers.count == (row.truncated ? 0 : 200))
        #expect(reply.questions.map(\.name.description) == [Self.big])
        // EDNS in, EDNS out, advertising our cap.
        #expect(reply.edns?.udpPayloadSize == (edns == nil ? nil : UInt16(row.cap)))
    }

    @Test func truncationKeepsWholeEarlierSections() throws {
        // The SRV answers fit; their 200 additional A records do not. RFC 2181 9: no TC for missing additional data.
        var slices = [Fixture.slice("big-1", service: "big",
                                    (0..<20).map { Fixture.endpoint("10.244.0.\($0 + 1)", hostname: "host-\($0)") },
                                    ports: [EndpointSlicePort(name: "http", protocol: "TCP", port: 80)])]
        slices[0].endpoints[0].hostname = nil
        let snapshot = DNSSnapshot(services: [Fixture.service("big", clusterIP: "None")], endpointSlices: slices)
        let query = Fixture.query("_http._tcp.\(Self.big)", .srv, edns: EDNS(udpPayloadSize: 1232))
        let bytes = try #require(DNSResponder.respond(to: query, over: .udp, snapshot: snapshot, config: Fixture.config))
        let reply = try DNSMessage(parsing: bytes)
        #expect(bytes.count <= 1232)
        #expect(reply.answers.count == 20)
        #expect(!reply.header.truncated)
        #expect(reply.additional.count > 0 && reply.additional.count < 20)
        #expect(reply.edns != nil)
    }

    @Test func badEDNSVersion() throws {
        let reply = try Fixture.ask(Self.big, .a, over: .udp, edns: EDNS(udpPayloadSize: 1232, version: 1))
        #expect(reply.rcode == .badVers)
        #expect(reply.edns != nil)
        #expect(reply.answers.isEmpty)
    }

    @Test func otherOpcodesAreNotImplemented() throws {
        var query = Fixture.query(Self.big, .a)
        query[2] |= 2 << 3  // STATUS
        let reply = try DNSMessage(parsing: try #require(
            DNSResponder.respond(to: query, over: .udp, snapshot: Fixture.snapshot, config: Fixture.config)))
        #expect(reply.rcode == .notImp)
        #expect(reply.header.opcode == 2)
    }

    @Test(arguments: [0, 2])
    func questionCountMustBeOne(_ count: Int) throws {
        let question = DNSQuestion(name: try DNSName(Self.big), type: .a)
        let query = DNSMessage(header: DNSHeader(id: 7), questions: Array(repeating: question, count: count)).serialize()
        let reply = try DNSMessage(parsing: try #require(
            DNSResponder.respond(to: query, over: .udp, snapshot: Fixture.snapshot, config: Fixture.config)))
        #expect(reply.rcode == .formErr)
        #expect(reply.header.id == 7)
    }

    @Test func flagsOfAnAnswer() throws {
        let reply = try Fixture.ask("web.default.svc.cluster.local", .a, over: .udp)
        #expect(reply.header.authoritative)
        #expect(reply.header.recursionDesired)
        #expect(!reply.header.recursionAvailable)
        #expect(!reply.header.truncated)
        #expect(reply.edns == nil)
    }
}
