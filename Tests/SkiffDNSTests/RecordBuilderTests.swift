import SkiffAPI
@testable import SkiffDNS
import Testing

@Suite struct RecordBuilderTests {
    static let z = "cluster.local."
    static let web = "web.default.svc.cluster.local."

    static let cases: [Case] = [
        Case(name: "dns-version TXT", qname: "dns-version.\(z)", qtype: .txt, rcode: .noError,
             answer: ["dns-version.cluster.local. 5 IN TXT \"1.1.0\""]),
        Case(name: "dns-version A is NODATA", qname: "dns-version.\(z)", qtype: .a, rcode: .noError, authority: ["$SOA"]),
        Case(name: "ClusterIP A", qname: web, qtype: .a, rcode: .noError, answer: ["\(web) 5 IN A 10.96.0.10"]),
        Case(name: "ClusterIP AAAA on IPv4-only is NODATA", qname: web, qtype: .aaaa, rcode: .noError, authority: ["$SOA"]),
        Case(name: "query case is kept", qname: "WeB.Default.SVC.cluster.LOCAL.", qtype: .a, rcode: .noError,
             answer: ["WeB.Default.SVC.cluster.LOCAL. 5 IN A 10.96.0.10"]),
        Case(name: "dual-stack AAAA", qname: "dual.default.svc.\(z)", qtype: .aaaa, rcode: .noError,
             answer: ["dual.default.svc.cluster.local. 5 IN AAAA fd00::11"]),
        Case(name: "dual-stack A", qname: "dual.default.svc.\(z)", qtype: .a, rcode: .noError,
             answer: ["dual.default.svc.cluster.local. 5 IN A 10.96.0.11"]),
        Case(name: "ClusterIP SRV tcp", qname: "_http._tcp.\(web)", qtype: .srv, rcode: .noError,
             answer: ["_http._tcp.\(web) 5 IN SRV 0 100 80 \(web)"], additional: ["\(web) 5 IN A 10.96.0.10"]),
        Case(name: "ClusterIP SRV udp", qname: "_dns._udp.\(web)", qtype: .srv, rcode: .noError,
             answer: ["_dns._udp.\(web) 5 IN SRV 0 100 53 \(web)"], additional: ["\(web) 5 IN A 10.96.0.10"]),
        Case(name: "SRV with the wrong protocol", qname: "_http._udp.\(web)", qtype: .srv, rcode: .nxDomain, authority: ["$SOA"]),
        Case(name: "SRV name with A is NODATA", qname: "_http._tcp.\(web)", qtype: .a, rcode: .noError, authority: ["$SOA"]),
        Case(name: "ClusterIP SRV keeps query case in target", qname: "_HTTP._tcp.Web.default.svc.\(z)", qtype: .srv, rcode: .noError,
             answer: ["_HTTP._tcp.Web.default.svc.cluster.local. 5 IN SRV 0 100 80 Web.default.svc.cluster.local."],
             additional: ["Web.default.svc.cluster.local. 5 IN A 10.96.0.10"]),
        Case(name: "ClusterIP service has no endpoint names", qname: "10-244-3-1.\(web)", qtype: .a, rcode: .nxDomain, authority: ["$SOA"]),
        Case(name: "headless A lists ready endpoints", qname: "db.default.svc.\(z)", qtype: .a, rcode: .noError,
             answer: ["db.default.svc.cluster.local. 5 IN A 10.244.1.5", "db.default.svc.cluster.local. 5 IN A 10.244.1.6"]),
        Case(name: "headless hostname record", qname: "db-0.db.default.svc.\(z)", qtype: .a, rcode: .noError,
             answer: ["db-0.db.default.svc.cluster.local. 5 IN A 10.244.1.5"]),
        Case(name: "headless dashed-IP record", qname: "10-244-1-6.db.default.svc.\(z)", qtype: .a, rcode: .noError,
             answer: ["10-244-1-6.db.default.svc.cluster.local. 5 IN A 10.244.1.6"]),
        Case(name: "not-ready endpoint has no record", qname: "10-244-1-7.db.default.svc.\(z)", qtype: .a, rcode: .nxDomain,
             authority: ["$SOA"]),
        Case(name: "headless SRV per endpoint", qname: "_pg._tcp.db.default.svc.\(z)", qtype: .srv, rcode: .noError,
             answer: [
                "_pg._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db.default.svc.cluster.local.",
                "_pg._tcp.db.default.svc.cluster.local. 5 IN SRV 0 50 5432 10-244-1-6.db.default.svc.cluster.local.",
             ],
             additional: ["db-0.db.default.svc.cluster.local. 5 IN A 10.244.1.5",
                          "10-244-1-6.db.default.svc.cluster.local. 5 IN A 10.244.1.6"]),
        Case(name: "headless with no ready endpoint is NXDOMAIN", qname: "empty.default.svc.\(z)", qtype: .a, rcode: .nxDomain,
             authority: ["$SOA"]),
        Case(name: "headless IPv6 AAAA", qname: "six.default.svc.\(z)", qtype: .aaaa, rcode: .noError,
             answer: ["six.default.svc.cluster.local. 5 IN AAAA fd00::5"]),
        Case(name: "headless IPv6 A is NODATA", qname: "six.default.svc.\(z)", qtype: .a, rcode: .noError, authority: ["$SOA"]),
        Case(name: "headless IPv6 dashed name", qname: "fd00--5.six.default.svc.\(z)", qtype: .aaaa, rcode: .noError,
             answer: ["fd00--5.six.default.svc.cluster.local. 5 IN AAAA fd00::5"]),
        Case(name: "ExternalName A gives CNAME", qname: "ext.default.svc.\(z)", qtype: .a, rcode: .noError,
             answer: ["ext.default.svc.cluster.local. 5 IN CNAME example.com."]),
        Case(name: "ExternalName CNAME", qname: "ext.default.svc.\(z)", qtype: .cname, rcode: .noError,
             answer: ["ext.default.svc.cluster.local. 5 IN CNAME example.com."]),
        Case(name: "nothing below ExternalName", qname: "www.ext.default.svc.\(z)", qtype: .a, rcode: .nxDomain, authority: ["$SOA"]),
        Case(name: "missing service", qname: "nope.default.svc.\(z)", qtype: .a, rcode: .nxDomain, authority: ["$SOA"]),
        Case(name: "namespace with services", qname: "default.svc.\(z)", qtype: .a, rcode: .noError, authority: ["$SOA"]),
        Case(name: "listed empty namespace", qname: "kube-system.svc.\(z)", qtype: .a, rcode: .noError, authority: ["$SOA"]),
        Case(name: "unknown namespace", qname: "nope.svc.\(z)", qtype: .a, rcode: .nxDomain, authority: ["$SOA"]),
        Case(name: "svc root", qname: "svc.\(z)", qtype: .a, rcode: .noError, authority: ["$SOA"]),
        Case(name: "apex SOA", qname: z, qtype: .soa, rcode: .noError, answer: ["$SOA"]),
        Case(name: "apex SOA keeps query case", qname: "Cluster.LOCAL.", qtype: .soa, rcode: .noError,
             answer: ["Cluster.LOCAL. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. $SERIAL 7200 1800 86400 5"]),
        Case(name: "negative SOA keeps query zone case", qname: "nope.default.svc.Cluster.Local.", qtype: .a, rcode: .nxDomain,
             authority: ["Cluster.Local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. $SERIAL 7200 1800 86400 5"]),
        Case(name: "dual-stack headless SRV: one target, both addresses", qname: "_web._tcp.pair.default.svc.\(z)", qtype: .srv,
             rcode: .noError, answer: ["_web._tcp.pair.default.svc.cluster.local. 5 IN SRV 0 100 8080 pair-0.pair.default.svc.cluster.local."],
             additional: ["pair-0.pair.default.svc.cluster.local. 5 IN A 10.244.4.1",
                          "pair-0.pair.default.svc.cluster.local. 5 IN AAAA fd00::41"]),
        Case(name: "dual-stack hostname AAAA", qname: "pair-0.pair.default.svc.\(z)", qtype: .aaaa, rcode: .noError,
             answer: ["pair-0.pair.default.svc.cluster.local. 5 IN AAAA fd00::41"]),
        Case(name: "apex NS", qname: z, qtype: .ns, rcode: .noError, answer: ["cluster.local. 5 IN NS ns.dns.cluster.local."],
             additional: ["ns.dns.cluster.local. 5 IN A 10.96.0.53"]),
        Case(name: "apex A is NODATA", qname: z, qtype: .a, rcode: .noError, authority: ["$SOA"]),
        Case(name: "nameserver A", qname: "ns.dns.\(z)", qtype: .a, rcode: .noError, answer: ["ns.dns.cluster.local. 5 IN A 10.96.0.53"]),
        Case(name: "neither svc nor pod", qname: "foo.\(z)", qtype: .a, rcode: .nxDomain, authority: ["$SOA"]),
        Case(name: "too many labels", qname: "a.b.c.d.web.default.svc.\(z)", qtype: .a, rcode: .nxDomain, authority: ["$SOA"]),
        Case(name: "ANY is NODATA, as CoreDNS", qname: web, qtype: .any, rcode: .noError, authority: ["$SOA"]),
        Case(name: "pods disabled", qname: "10-244-1-5.default.pod.\(z)", qtype: .a, rcode: .nxDomain, authority: ["$SOA"]),
        Case(name: "PTR for ClusterIP", qname: "10.0.96.10.in-addr.arpa.", qtype: .ptr, rcode: .noError,
             answer: ["10.0.96.10.in-addr.arpa. 5 IN PTR web.default.svc.cluster.local."]),
        Case(name: "PTR for second ClusterIP (IPv6)",
             qname: "1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa.", qtype: .ptr, rcode: .noError,
             answer: ["1.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 5 IN PTR dual.default.svc.cluster.local."]),
        Case(name: "PTR for headless hostname", qname: "5.1.244.10.in-addr.arpa.", qtype: .ptr, rcode: .noError,
             answer: ["5.1.244.10.in-addr.arpa. 5 IN PTR db-0.db.default.svc.cluster.local."]),
        Case(name: "PTR for headless dashed IP", qname: "6.1.244.10.in-addr.arpa.", qtype: .ptr, rcode: .noError,
             answer: ["6.1.244.10.in-addr.arpa. 5 IN PTR 10-244-1-6.db.default.svc.cluster.local."]),
        Case(name: "PTR unknown IP", qname: "9.9.9.9.in-addr.arpa.", qtype: .ptr, rcode: .nxDomain, authority: ["$RSOA4"]),
        Case(name: "PTR name with A is NODATA", qname: "10.0.96.10.in-addr.arpa.", qtype: .a, rcode: .noError, authority: ["$RSOA4"]),
        Case(name: "out of zone is refused", qname: "example.com.", qtype: .a, rcode: .refused),
        Case(name: "zone-like suffix is out of zone", qname: "xcluster.local.", qtype: .a, rcode: .refused),
        Case(name: "AXFR refused", qname: z, qtype: .axfr, rcode: .refused),
        Case(name: "IXFR refused", qname: z, qtype: .ixfr, rcode: .refused),
    ]

    @Test(arguments: cases)
    func answers(_ row: Case) throws {
        let serial = String(Fixture.snapshot.serial)
        let expand = { (text: String) in text == "$SOA" ? Fixture.soa() : text.replacing("$SERIAL", with: serial) }
        let row = Case(name: row.name, qname: row.qname, qtype: row.qtype, rcode: row.rcode,
                       answer: row.answer.map(expand), authority: row.authority.map { $0 == "$SOA" ? $0 : expand($0) },
                       additional: row.additional)
        try Fixture.check(row)
    }

    static let podCases: [(String, DNSConfig.PodMode, Case)] = [
        ("insecure any IP", .insecure, Case(name: "", qname: "10-244-9-9.default.pod.\(z)", qtype: .a, rcode: .noError,
                                             answer: ["10-244-9-9.default.pod.cluster.local. 5 IN A 10.244.9.9"])),
        ("insecure IPv6", .insecure, Case(name: "", qname: "fd00--9.default.pod.\(z)", qtype: .aaaa, rcode: .noError,
                                           answer: ["fd00--9.default.pod.cluster.local. 5 IN AAAA fd00::9"])),
        ("insecure not an IP", .insecure, Case(name: "", qname: "web-0.default.pod.\(z)", qtype: .a, rcode: .nxDomain,
                                                authority: ["$SOA"])),
        ("insecure AAAA for IPv4", .insecure, Case(name: "", qname: "10-244-9-9.default.pod.\(z)", qtype: .aaaa,
                                                    rcode: .noError, authority: ["$SOA"])),
        ("verified known pod", .verified, Case(name: "", qname: "10-244-1-5.default.pod.\(z)", qtype: .a, rcode: .noError,
                                                answer: ["10-244-1-5.default.pod.cluster.local. 5 IN A 10.244.1.5"])),
        ("verified unknown pod", .verified, Case(name: "", qname: "10-244-9-9.default.pod.\(z)", qtype: .a, rcode: .nxDomain,
                                                  authority: ["$SOA"])),
        ("verified wrong namespace", .verified, Case(name: "", qname: "10-244-1-5.kube-system.pod.\(z)", qtype: .a,
                                                      rcode: .nxDomain, authority: ["$SOA"])),
    ]

    @Test(arguments: podCases.map { CaseWith(name: $0.0, mode: $0.1, row: $0.2) })
    func pods(_ row: CaseWith) throws {
        try Fixture.check(row.row, config: try DNSConfig(podMode: row.mode))
    }

    struct CaseWith: Sendable, CustomTestStringConvertible {
        let name: String
        let mode: DNSConfig.PodMode
        let row: Case
        var testDescription: String { name }
    }

    static let notSynced: [Case] = [
        Case(name: "known-looking service", qname: web, qtype: .a, rcode: .servFail),
        Case(name: "missing service", qname: "nope.default.svc.\(z)", qtype: .a, rcode: .servFail),
        Case(name: "PTR", qname: "10.0.96.10.in-addr.arpa.", qtype: .ptr, rcode: .servFail),
        Case(name: "out of zone still refused", qname: "example.com.", qtype: .a, rcode: .refused),
    ]

    @Test(arguments: notSynced)
    func beforeFirstSync(_ row: Case) throws {
        try Fixture.check(row, snapshot: .notReady)
    }

    @Test func serialFollowsContent() {
        let same = DNSSnapshot(services: Fixture.services, endpointSlices: Fixture.slices.reversed(),
                               podIPs: ["default": ["10.244.1.5"]], namespaces: ["kube-system"])
        #expect(same.serial == Fixture.snapshot.serial)
        var slices = Fixture.slices
        slices[0].endpoints[1].conditions = EndpointConditions(ready: false)
        let changed = DNSSnapshot(services: Fixture.services, endpointSlices: slices,
                                  podIPs: ["default": ["10.244.1.5"]], namespaces: ["kube-system"])
        #expect(changed.serial != Fixture.snapshot.serial)
    }

    @Test func configurableTTLAndZone() throws {
        let config = try DNSConfig(zone: "Skiff.Test", ttl: 30)
        let reply = try Fixture.ask("web.default.svc.skiff.test.", .a, config: config)
        #expect(reply.answers.map(\.description) == ["web.default.svc.skiff.test. 30 IN A 10.96.0.10"])
        let refused = try Fixture.ask(Self.web, .a, config: config)
        #expect(refused.rcode == .refused)
    }
}
