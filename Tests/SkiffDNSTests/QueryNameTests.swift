@testable import SkiffDNS
import Testing

@Suite struct QueryNameTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let qname: String
        let expected: QueryName
        var testDescription: String { qname }
    }

    static let rows: [Row] = [
        Row(qname: "cluster.local.", expected: .apex),
        Row(qname: "CLUSTER.local.", expected: .apex),
        Row(qname: "dns-version.cluster.local.", expected: .dnsVersion),
        Row(qname: "ns.dns.cluster.local.", expected: .nameserver),
        Row(qname: "svc.cluster.local.", expected: .kindRoot(.service)),
        Row(qname: "pod.cluster.local.", expected: .kindRoot(.pod)),
        Row(qname: "default.svc.cluster.local.", expected: .namespaceOnly(namespace: "default", kind: .service)),
        Row(qname: "default.pod.cluster.local.", expected: .namespaceOnly(namespace: "default", kind: .pod)),
        Row(qname: "Web.Default.svc.cluster.local.", expected: .service(name: "web", namespace: "default")),
        Row(qname: "db-0.db.default.svc.cluster.local.", expected: .endpoint(hostname: "db-0", service: "db", namespace: "default")),
        Row(qname: "_http._tcp.web.default.svc.cluster.local.",
            expected: .srv(port: "http", proto: "tcp", service: "web", namespace: "default")),
        Row(qname: "http.tcp.web.default.svc.cluster.local.",
            expected: .srv(port: "http", proto: "tcp", service: "web", namespace: "default")),
        Row(qname: "10-244-1-5.default.pod.cluster.local.", expected: .pod(ip: "10-244-1-5", namespace: "default")),
        Row(qname: "a.b.c.d.default.pod.cluster.local.", expected: .invalid),
        Row(qname: "a.b.c.d.e.f.svc.cluster.local.", expected: .invalid),
        Row(qname: "foo.cluster.local.", expected: .invalid),
        Row(qname: "web.default.cluster.local.", expected: .invalid),
        Row(qname: "example.com.", expected: .outOfZone),
        Row(qname: "local.", expected: .outOfZone),
        Row(qname: "xcluster.local.", expected: .outOfZone),
        Row(qname: ".", expected: .outOfZone),
        Row(qname: "10.0.96.10.in-addr.arpa.", expected: .reverse(IPAddr("10.96.0.10")!)),
        Row(qname: "96.10.IN-ADDR.ARPA.", expected: .reverseNonTerminal),
        Row(qname: "in-addr.arpa.", expected: .reverseNonTerminal),
        Row(qname: "256.0.96.10.in-addr.arpa.", expected: .invalid),
        Row(qname: "01.0.96.10.in-addr.arpa.", expected: .invalid),
        Row(qname: "x.10.0.96.10.in-addr.arpa.", expected: .invalid),
        Row(qname: "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", expected: .reverse(IPAddr("fd00::1")!)),
        Row(qname: "0.d.f.ip6.arpa.", expected: .reverseNonTerminal),
        Row(qname: "zz.d.f.ip6.arpa.", expected: .invalid),
    ]

    @Test(arguments: rows)
    func parse(_ row: Row) throws {
        #expect(QueryName.parse(try DNSName(row.qname), config: Fixture.config) == row.expected)
    }

    @Test func reverseCanBeTurnedOff() throws {
        let config = try DNSConfig(answersReverse: false)
        #expect(QueryName.parse(try DNSName("10.0.96.10.in-addr.arpa"), config: config) == .outOfZone)
    }

    @Test(arguments: [
        ("10.244.1.5", "10.244.1.5", "10-244-1-5"), ("fd00::5", "fd00::5", "fd00--5"), ("::ffff:10.0.0.1", "10.0.0.1", "10-0-0-1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "2001-db8--1-0-0-1"), ("::", "::", "--"), ("1::", "1::", "1--"),
        ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8", "1-2-3-4-5-6-7-8"),
    ])
    func ipText(_ input: String, _ printed: String, _ dashed: String) throws {
        let ip = try #require(IPAddr(input))
        #expect(ip.description == printed)
        #expect(ip.dashed == dashed)
    }

    @Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.1.1.1", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1", "1:", "g::1", "12345::"])
    func badIPs(_ input: String) {
        #expect(IPAddr(input) == nil)
    }
}
