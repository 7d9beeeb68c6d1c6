@testable import SkiffDNS
import SkiffTesting
import Testing

/// Untrusted packets: every malformed one is a typed error, the responder answers FORMERR or drops, nothing traps.
@Suite struct MalformedTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let code: DNSError.Code
        var testDescription: String { name }
    }

    /// id 0xABCD, RD, with the given counts.
    static func header(qd: UInt16 = 1, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0) -> [UInt8] {
        [0xAB, 0xCD, 0x01, 0x00] + [qd, an, ns, ar].flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }

    static let typeAClassIN: [UInt8] = [0, 1, 0, 1]
    static let rootQuestion: [UInt8] = [0] + typeAClassIN
    /// A record header after the name: type, class IN, ttl 5, rdlength.
    static func rr(_ type: UInt16, rdlength: UInt16) -> [UInt8] {
        [UInt8(type >> 8), UInt8(type & 0xFF), 0, 1, 0, 0, 0, 5, UInt8(rdlength >> 8), UInt8(rdlength & 0xFF)]
    }
    static let opt: [UInt8] = [0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0]

    static let rows: [Row] = [
        Row(name: "counts with no body", bytes: header(), code: .countExceedsPacket),
        Row(name: "count overflow", bytes: header(qd: 0xFFFF, an: 0xFFFF, ns: 0xFFFF, ar: 0xFFFF) + rootQuestion, code: .countExceedsPacket),
        Row(name: "question cut short", bytes: header() + [3, 0x61, 0x62, 0x63, 0, 0, 1], code: .truncated),
        Row(name: "label runs past the end", bytes: header() + [9, 0x61, 0x62] + typeAClassIN, code: .truncated),
        Row(name: "pointer to itself", bytes: header() + [0xC0, 12] + typeAClassIN, code: .badPointer),
        Row(name: "pointer loop through a label", bytes: header() + [1, 0x61, 0xC0, 12] + typeAClassIN, code: .badPointer),
        Row(name: "loop closed by a later pointer",
            bytes: header(qd: 2) + [1, 0x61, 0xC0, 19] + typeAClassIN + [0xC0, 12] + typeAClassIN, code: .badPointer),
        Row(name: "forward pointer", bytes: header() + [0xC0, 20] + typeAClassIN + [0, 0, 0, 0, 0], code: .badPointer),
        Row(name: "pointer into the header", bytes: header() + [0xC0, 2] + typeAClassIN, code: .badPointer),
        Row(name: "pointer cut short", bytes: header() + [3, 0x61, 0x62, 0x63, 0xC0], code: .truncated),
        Row(name: "label length 64 (type 0x40)", bytes: header() + [64] + Array(repeating: 0x61, count: 64) + [0] + typeAClassIN,
            code: .badLabelType),
        Row(name: "name over 255 bytes",
            bytes: header() + Array(repeating: [63] + Array(repeating: 0x61, count: 63), count: 5).flatMap { $0 } + [0] + typeAClassIN,
            code: .nameTooLong),
        Row(name: "rdata past the end", bytes: header(qd: 0, an: 1) + [0] + rr(1, rdlength: 40) + [1, 2, 3, 4], code: .truncated),
        Row(name: "A with 5 bytes", bytes: header(qd: 0, an: 1) + [0] + rr(1, rdlength: 5) + [1, 2, 3, 4, 5], code: .badRData),
        Row(name: "CNAME shorter than its name", bytes: header(qd: 0, an: 1) + [0] + rr(5, rdlength: 2) + [1, 0x61, 0], code: .badRData),
        Row(name: "TXT string past rdata", bytes: header(qd: 0, an: 1) + [0] + rr(16, rdlength: 3) + [5, 0x61, 0x62, 0], code: .badRData),
        Row(name: "SOA with a short tail", bytes: header(qd: 0, an: 1) + [0] + rr(6, rdlength: 6) + [0, 0, 1, 2, 3, 4], code: .badRData),
        Row(name: "OPT in the answer section", bytes: header(qd: 0, an: 1) + opt, code: .badOPT),
        Row(name: "two OPT records", bytes: header(ar: 2) + rootQuestion + opt + opt, code: .badOPT),
        Row(name: "OPT not at the root", bytes: header(ar: 1) + rootQuestion + [1, 0x61] + opt, code: .badOPT),
        Row(name: "OPT option overruns", bytes: header(ar: 1) + rootQuestion + opt.dropLast(2) + [0, 4, 0, 10, 0, 9, 1, 2], code: .badOPT),
    ]

    @Test(arguments: rows)
    func rejected(_ row: Row) throws {
        let error = try #require(throws: DNSError.self) { try DNSMessage(parsing: row.bytes) }
        #expect(error.code == row.code)
        // With a whole header the responder answers FORMERR, echoing id and RD, with no sections.
        let reply = try #require(DNSResponder.respond(to: row.bytes, over: .udp, snapshot: Fixture.snapshot, config: Fixture.config))
        let parsed = try DNSMessage(parsing: reply)
        #expect(parsed.rcode == .formErr)
        #expect(parsed.header.id == 0xABCD && parsed.header.isResponse && parsed.header.recursionDesired)
        #expect(parsed.questions.isEmpty && parsed.answers.isEmpty)
    }

    @Test(arguments: [0, 1, 11])
    func shorterThanHeaderIsDropped(_ length: Int) throws {
        let bytes = Array(repeating: UInt8(0), count: length)
        let error = try #require(throws: DNSError.self) { try DNSMessage(parsing: bytes) }
        #expect(error.code == .truncated)
        #expect(DNSResponder.respond(to: bytes, over: .udp, snapshot: Fixture.snapshot, config: Fixture.config) == nil)
    }

    @Test func responsesAreDropped() {
        var bytes = Fixture.query("web.default.svc.cluster.local", .a)
        bytes[2] |= 0x80
        #expect(DNSResponder.respond(to: bytes, over: .udp, snapshot: Fixture.snapshot, config: Fixture.config) == nil)
    }

    /// Anything that parses must re-encode to something that parses back equal; the responder must never trap and
    /// never exceed the UDP size it may use.
    static func exercise(_ bytes: [UInt8]) throws {
        if let message = try? DNSMessage(parsing: bytes) {
            #expect(try DNSMessage(parsing: message.serialize()) == message)
        }
        if let reply = DNSResponder.respond(to: bytes, over: .udp, snapshot: Fixture.snapshot, config: Fixture.config) {
            #expect(reply.count <= Fixture.config.maxUDPPayload)
            _ = try DNSMessage(parsing: reply)
        }
    }

    @Test func randomBytesNeverCrash() throws {
        var rng = SeededGenerator(seed: 0x5EED)
        for _ in 0..<10_000 {
            let length = Int.random(in: 0...300, using: &rng)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Keep some headers plausible so the parser gets past the count check.
            if length >= 12 {
                bytes[2] &= 0x7F
                for index in [4, 6, 8, 10] { bytes[index] = 0 }
                for index in [5, 7, 9, 11] { bytes[index] &= 0x03 }
            }
            try Self.exercise(bytes)
        }
    }

    @Test func mutatedPacketsNeverCrash() throws {
        var rng = SeededGenerator(seed: 0xF00D)
        let seeds = [
            CodecTests.everyType.serialize(),
            Fixture.query("_pg._tcp.db.default.svc.cluster.local", .srv, edns: EDNS(udpPayloadSize: 4096)),
        ]
        for iteration in 0..<10_000 {
            var bytes = seeds[iteration % seeds.count]
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if iteration % 7 == 0 { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &rng)) }
            try Self.exercise(bytes)
        }
    }
}
