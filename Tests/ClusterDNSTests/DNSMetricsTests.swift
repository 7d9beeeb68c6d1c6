@testable import ClusterDNS
import SkiffDNS
import Testing

@Suite struct DNSMetricsTests {
    static func query(_ qname: String, _ qtype: DNSType) -> [UInt8] {
        DNSMessage(header: DNSHeader(id: 7), questions: [DNSQuestion(name: try! DNSName(qname), type: qtype)]).serialize()
    }

    @Test(arguments: [
        ("A", query("web.default.svc.cluster.local", .a), 0),
        ("SRV", query("_http._tcp.web.default.svc.cluster.local", .srv), 2),
        ("PTR", query("10.0.96.10.in-addr.arpa", .ptr), 3),
        ("IXFR", query("cluster.local", .ixfr), 10),
        ("header only", Array(query("a.b", .a).prefix(12)), DNSMetrics.qtypes.count),
        ("truncated type", Array(query("a.b", .a).dropLast(3)), DNSMetrics.qtypes.count),
        ("compression pointer", Array(query("a.b", .a).prefix(12)) + [0xC0, 0x0C, 0, 1, 0, 1], DNSMetrics.qtypes.count),
    ])
    func qtypeIndexReadsTheFirstQuestion(name: String, packet: [UInt8], index: Int) {
        #expect(DNSMetrics.qtypeIndex(packet) == index, "\(name)")
    }

    @Test func durationNanoseconds() {
        #expect(Duration.milliseconds(3).nanoseconds == 3_000_000)
        #expect(Duration.seconds(Int64.max).nanoseconds == .max)
    }
}
