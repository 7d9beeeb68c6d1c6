@testable import SkiffDNS
import Testing

@Suite struct CodecTests {
    static func name(_ text: String) -> DNSName { try! DNSName(text) }

    static let everyType: DNSMessage = {
        var header = DNSHeader(id: 0xBEEF, isResponse: true, opcode: 0, authoritative: true, recursionDesired: true)
        header.checkingDisabled = true
        return DNSMessage(
            header: header, rcode: .nxDomain,
            questions: [DNSQuestion(name: name("Web.default.svc.cluster.local"), type: .a)],
            answers: [
                ResourceRecord(name: name("Web.default.svc.cluster.local"), ttl: 5, data: .a(IPAddr("10.96.0.10")!)),
                ResourceRecord(name: name("Web.default.svc.cluster.local"), ttl: 5, data: .aaaa(IPAddr("fd00::1")!)),
                ResourceRecord(name: name("ext.default.svc.cluster.local"), ttl: 5, data: .cname(name("example.com"))),
                ResourceRecord(name: name("_http._tcp.web.default.svc.cluster.local"), ttl: 5,
                               data: .srv(priority: 0, weight: 50, port: 80, target: name("web.default.svc.cluster.local"))),
                ResourceRecord(name: name("10.0.96.10.in-addr.arpa"), ttl: 5, data: .ptr(name("web.default.svc.cluster.local"))),
                ResourceRecord(name: name("dns-version.cluster.local"), ttl: 5, data: .txt([Array("1.1.0".utf8), []])),
                ResourceRecord(name: name("x.cluster.local"), ttl: 5, data: .unknown(.mx, [0, 10, 0])),
            ],
            authority: [
                ResourceRecord(name: name("cluster.local"), ttl: 5, data: .soa(SOAData(
                    mname: name("ns.dns.cluster.local"), rname: name("hostmaster.cluster.local"), serial: 42, refresh: 7200,
                    retry: 1800, expire: 86400, minimum: 5))),
                ResourceRecord(name: name("cluster.local"), ttl: 5, data: .ns(name("ns.dns.cluster.local"))),
            ],
            additional: [ResourceRecord(name: name("ns.dns.cluster.local"), ttl: 5, data: .a(IPAddr("10.96.0.53")!))],
            edns: EDNS(udpPayloadSize: 1232, version: 0, dnssecOK: true, options: [0, 10, 0, 2, 0xAB, 0xCD]))
    }()

    @Test func roundTripEveryType() throws {
        let bytes = Self.everyType.serialize()
        #expect(try DNSMessage(parsing: bytes) == Self.everyType)
    }

    @Test func extendedRcodeRoundTrips() throws {
        var message = DNSMessage(header: DNSHeader(id: 1, isResponse: true), rcode: .badVers, edns: EDNS(udpPayloadSize: 512))
        message.questions = [DNSQuestion(name: .root, type: .ns)]
        let bytes = message.serialize()
        #expect(bytes[3] & 0xF == 0)
        #expect(try DNSMessage(parsing: bytes).rcode == .badVers)
    }

    @Test func compressionPointsBack() throws {
        let bytes = Self.everyType.serialize()
        // The owner of the first answer is entirely a pointer to the question name at offset 12.
        let question = 12 + Self.everyType.questions[0].name.wire.count + 4
        #expect(Array(bytes[question..<(question + 2)]) == [0xC0, 12])
        // Uncompressed, the same message is much longer.
        let plain = Self.everyType.answers.reduce(0) { $0 + $1.name.wire.count }
        #expect(bytes.count < 12 + plain + 200)
    }

    @Test func srvTargetIsNotCompressed() {
        let target = Self.name("web.default.svc.cluster.local")
        let message = DNSMessage(
            header: DNSHeader(id: 1), questions: [DNSQuestion(name: target, type: .srv)],
            answers: [ResourceRecord(name: target, ttl: 5, data: .srv(priority: 0, weight: 1, port: 80, target: target))])
        let bytes = message.serialize()
        #expect(bytes.suffix(target.wire.count) == target.wire[...])
    }

    @Test(arguments: [
        ("web.default.svc.cluster.local", "web.default.svc.cluster.local."), ("A.b.", "A.b."), (".", "."),
        ("a\u{7F}b.c", "a\\127b.c."),
    ])
    func nameText(_ text: String, _ printed: String) throws {
        #expect(try DNSName(text).description == printed)
    }

    @Test(arguments: [
        ("empty label", "a..b", DNSError.Code.labelTooLong),
        ("64-byte label", String(repeating: "a", count: 64) + ".com", .labelTooLong),
        ("256-byte name", Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: "."), .nameTooLong),
    ])
    func badNames(_ what: String, _ text: String, _ code: DNSError.Code) {
        #expect(throws: DNSError(code)) { try DNSName(text) }
    }

    @Test func longestNameFits() throws {
        // 3 x 63 + 61 bytes of labels + 4 length bytes + root = 255.
        let text = Array(repeating: String(repeating: "a", count: 63), count: 3).joined(separator: ".") + "." + String(repeating: "b", count: 61)
        #expect(try DNSName(text).wire.count == 255)
    }
}
