import NodeProxy
import Testing

/// A partial sync from `before` (programmed by a full sync) to `after`, and its whole transaction.
struct PartialCase: Sendable, CustomTestStringConvertible {
    var name: String
    var before: ProxySnapshot
    var after: ProxySnapshot
    var changed: Set<ServicePortName>
    var expected: String
    var testDescription: String { name }

    static let all: [PartialCase] = {
        let (web, db) = (NFTFixtures.web, NFTFixtures.db)
        let (svc, ep1, ep2, ep3) = (NFTNames.svc, NFTNames.ep1, NFTNames.ep2, NFTNames.ep3)
        let t = "ip skiff-proxy"
        let both = NFTFixtures.snapshot([web: NFTFixtures.webInfo, db: NFTFixtures.dbInfo], [web: NFTFixtures.eps(3), db: NFTFixtures.eps(1, port: 5432)])
        let webTwo = NFTFixtures.snapshot([web: NFTFixtures.webInfo, db: NFTFixtures.dbInfo], [web: NFTFixtures.eps(2), db: NFTFixtures.eps(1, port: 5432)])
        let noWeb = NFTFixtures.snapshot([db: NFTFixtures.dbInfo], [db: NFTFixtures.eps(1, port: 5432)])
        let webEmpty = NFTFixtures.snapshot([web: NFTFixtures.webInfo, db: NFTFixtures.dbInfo], [db: NFTFixtures.eps(1, port: 5432)])
        var sticky = NFTFixtures.webInfo
        sticky.sessionAffinity = .clientIP(timeoutSeconds: 60)
        let stickyThree = NFTFixtures.snapshot([web: sticky], [web: NFTFixtures.eps(3)])
        let stickyTwo = NFTFixtures.snapshot([web: sticky], [web: NFTFixtures.eps(2)])
        let dnat2 = "meta l4proto tcp dnat to numgen random mod 2 . ip daddr . th dport map @service-endpoints-tcp"
        return [
            PartialCase(name: "an endpoint leaves: its element goes, the port moves to a new pick chain", before: both, after: webTwo, changed: [web], expected: """
                add chain \(t) pick-cluster-tcp-2
                add rule \(t) pick-cluster-tcp-2 \(dnat2)
                delete element \(t) service-endpoints-tcp { 2 . 10.96.0.10 . 80 }
                delete element \(t) service-ips { 10.96.0.10 . tcp . 80 }
                add element \(t) service-ips { 10.96.0.10 . tcp . 80 : goto pick-cluster-tcp-2 }
                delete element \(t) hairpin { 10.244.3.2 . 10.244.3.2 }

                """),
            PartialCase(name: "a service is removed: its elements go, hairpin elements another port uses stay", before: both, after: noWeb, changed: [web], expected: """
                delete element \(t) service-endpoints-tcp { 0 . 10.96.0.10 . 80 }
                delete element \(t) service-endpoints-tcp { 1 . 10.96.0.10 . 80 }
                delete element \(t) service-endpoints-tcp { 2 . 10.96.0.10 . 80 }
                delete element \(t) service-ips { 10.96.0.10 . tcp . 80 }
                delete element \(t) hairpin { 10.244.2.2 . 10.244.2.2 }
                delete element \(t) hairpin { 10.244.3.2 . 10.244.3.2 }

                """),
            PartialCase(name: "the last endpoint leaves: element moves to no-endpoint-services", before: both, after: webEmpty, changed: [web], expected: """
                delete element \(t) service-endpoints-tcp { 0 . 10.96.0.10 . 80 }
                delete element \(t) service-endpoints-tcp { 1 . 10.96.0.10 . 80 }
                delete element \(t) service-endpoints-tcp { 2 . 10.96.0.10 . 80 }
                delete element \(t) service-ips { 10.96.0.10 . tcp . 80 }
                add element \(t) no-endpoint-services { 10.96.0.10 . tcp . 80 : goto reject-chain }
                delete element \(t) hairpin { 10.244.2.2 . 10.244.2.2 }
                delete element \(t) hairpin { 10.244.3.2 . 10.244.3.2 }

                """),
            PartialCase(name: "a service is added next to an existing one", before: noWeb, after: webTwo, changed: [web], expected: """
                add chain \(t) pick-cluster-tcp-2
                add rule \(t) pick-cluster-tcp-2 \(dnat2)
                add element \(t) service-endpoints-tcp { 0 . 10.96.0.10 . 80 : 10.244.1.2 . 8080 }
                add element \(t) service-endpoints-tcp { 1 . 10.96.0.10 . 80 : 10.244.2.2 . 8080 }
                add element \(t) service-ips { 10.96.0.10 . tcp . 80 : goto pick-cluster-tcp-2 }
                add element \(t) hairpin { 10.244.2.2 . 10.244.2.2 }

                """),
            PartialCase(name: "an endpoint is replaced: one element changes value, the pick chain exists", before: both,
                        after: NFTFixtures.snapshot([web: NFTFixtures.webInfo, db: NFTFixtures.dbInfo],
                                                    [web: NFTFixtures.eps(2) + [EndpointInfo(ip: "10.244.9.2", port: 8080)], db: NFTFixtures.eps(1, port: 5432)]),
                        changed: [web], expected: """
                delete element \(t) service-endpoints-tcp { 2 . 10.96.0.10 . 80 }
                add element \(t) service-endpoints-tcp { 2 . 10.96.0.10 . 80 : 10.244.9.2 . 8080 }
                delete element \(t) hairpin { 10.244.3.2 . 10.244.3.2 }
                add element \(t) hairpin { 10.244.9.2 . 10.244.9.2 }

                """),
            PartialCase(name: "a port reported changed but equal writes nothing", before: both, after: both, changed: [db], expected: ""),
            PartialCase(name: "affinity: an endpoint leaves, its chain and set are deleted after the rewrite", before: stickyThree, after: stickyTwo, changed: [web], expected: """
                flush chain \(t) \(ep3)
                add chain \(t) \(svc)
                flush chain \(t) \(svc)
                add chain \(t) \(ep1)
                flush chain \(t) \(ep1)
                add chain \(t) \(ep2)
                flush chain \(t) \(ep2)
                delete set \(t) \(NFTNames.aff3)
                add set \(t) \(NFTNames.aff2) { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; }
                add set \(t) \(NFTNames.aff1) { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; }
                add rule \(t) \(svc) ip saddr @\(NFTNames.aff1) goto \(ep1)
                add rule \(t) \(svc) ip saddr @\(NFTNames.aff2) goto \(ep2)
                add rule \(t) \(svc) numgen random mod 2 == 0 goto \(ep1)
                add rule \(t) \(svc) goto \(ep2)
                add rule \(t) \(ep1) ip saddr 10.244.1.2 jump mark-for-masquerade
                add rule \(t) \(ep1) update @\(NFTNames.aff1) { ip saddr }
                add rule \(t) \(ep1) meta l4proto tcp dnat to 10.244.1.2:8080
                add rule \(t) \(ep2) ip saddr 10.244.2.2 jump mark-for-masquerade
                add rule \(t) \(ep2) update @\(NFTNames.aff2) { ip saddr }
                add rule \(t) \(ep2) meta l4proto tcp dnat to 10.244.2.2:8080
                delete chain \(t) \(ep3)

                """),
        ]
    }()
}

struct NFTablesPartialSyncTests {
    let renderer = NFTablesRenderer()

    func programmed(_ snapshot: ProxySnapshot) -> NFTablesState {
        var state = NFTablesState()
        state.apply(renderer.render(ProxyUpdate(snapshot: snapshot, changed: [], full: true), programmed: state))
        return state
    }

    @Test(arguments: PartialCase.all)
    func partialSyncTouchesOnlyChangedPorts(_ testCase: PartialCase) {
        let transaction = renderer.render(ProxyUpdate(snapshot: testCase.after, changed: testCase.changed, full: false),
                                          programmed: programmed(testCase.before))
        #expect(transaction.text == testCase.expected)
        #expect(!transaction.replacesAll)
        #expect(Set(transaction.updates.keys) == testCase.changed)
    }

    /// Changing the affinity timeout re-creates the sets (their chains are flushed first, so nothing refers to them).
    @Test func affinityTimeoutChangeRecreatesTheSets() {
        var before = NFTFixtures.webInfo
        before.sessionAffinity = .clientIP(timeoutSeconds: 60)
        var after = before
        after.sessionAffinity = .clientIP(timeoutSeconds: 90)
        let old = programmed(NFTFixtures.snapshot([NFTFixtures.web: before], [NFTFixtures.web: NFTFixtures.eps(1)]))
        let text = renderer.render(ProxyUpdate(snapshot: NFTFixtures.snapshot([NFTFixtures.web: after], [NFTFixtures.web: NFTFixtures.eps(1)]),
                                               changed: [NFTFixtures.web], full: false), programmed: old).text
        let lines = text.split(separator: "\n").map(String.init)
        let flush = lines.firstIndex(of: "flush chain ip skiff-proxy \(NFTNames.ep1)")
        let delete = lines.firstIndex(of: "delete set ip skiff-proxy \(NFTNames.aff1)")
        let add = lines.firstIndex(of: "add set ip skiff-proxy \(NFTNames.aff1) { type ipv4_addr ; flags dynamic,timeout ; timeout 90s ; }")
        #expect(flush != nil && delete != nil && add != nil)
        if let flush, let delete, let add { #expect(flush < delete && delete < add) }
    }

    /// The fixed part of the table, as a full sync writes it.
    @Test func baseTableGolden() {
        let text = renderer.render(ProxyUpdate(snapshot: NFTFixtures.snapshot([:]), changed: [], full: true), programmed: NFTablesState()).text
        var expected = "add table ip skiff-proxy { comment \"rules for skiff kube-proxy\" ; }\n"
        for (name, type, hook, priority) in [("filter-input", "filter", "input", -110), ("filter-forward", "filter", "forward", -110),
                                             ("filter-output", "filter", "output", -110), ("nat-prerouting", "nat", "prerouting", -100),
                                             ("nat-output", "nat", "output", -100), ("nat-postrouting", "nat", "postrouting", 100)] {
            let spec = "{ type \(type) hook \(hook) priority \(priority) ; }"
            expected += "add chain ip skiff-proxy \(name) \(spec)\nflush chain ip skiff-proxy \(name)\ndelete chain ip skiff-proxy \(name)\nadd chain ip skiff-proxy \(name) \(spec)\n"
        }
        for chain in ["services", "service-endpoints-check", "nodeport-endpoints-check", "masquerading", "mark-for-masquerade", "reject-chain"] {
            expected += "add chain ip skiff-proxy \(chain)\nflush chain ip skiff-proxy \(chain)\n"
        }
        expected += """
            add map ip skiff-proxy service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; }
            flush map ip skiff-proxy service-ips
            add map ip skiff-proxy service-nodeports { type inet_proto . inet_service : verdict ; }
            flush map ip skiff-proxy service-nodeports
            add map ip skiff-proxy no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; }
            flush map ip skiff-proxy no-endpoint-services
            add map ip skiff-proxy no-endpoint-nodeports { type inet_proto . inet_service : verdict ; }
            flush map ip skiff-proxy no-endpoint-nodeports
            add map ip skiff-proxy service-endpoints-tcp { typeof numgen random mod 1 . ip daddr . th dport : ip daddr . tcp dport ; }
            flush map ip skiff-proxy service-endpoints-tcp
            add map ip skiff-proxy nodeport-endpoints-tcp { typeof numgen random mod 1 . th dport : ip daddr . tcp dport ; }
            flush map ip skiff-proxy nodeport-endpoints-tcp
            add map ip skiff-proxy service-endpoints-udp { typeof numgen random mod 1 . ip daddr . th dport : ip daddr . udp dport ; }
            flush map ip skiff-proxy service-endpoints-udp
            add map ip skiff-proxy nodeport-endpoints-udp { typeof numgen random mod 1 . th dport : ip daddr . udp dport ; }
            flush map ip skiff-proxy nodeport-endpoints-udp
            add map ip skiff-proxy service-endpoints-sctp { typeof numgen random mod 1 . ip daddr . th dport : ip daddr . sctp dport ; }
            flush map ip skiff-proxy service-endpoints-sctp
            add map ip skiff-proxy nodeport-endpoints-sctp { typeof numgen random mod 1 . th dport : ip daddr . sctp dport ; }
            flush map ip skiff-proxy nodeport-endpoints-sctp
            add set ip skiff-proxy hairpin { type ipv4_addr . ipv4_addr ; }
            flush set ip skiff-proxy hairpin
            add rule ip skiff-proxy filter-input ct state new jump nodeport-endpoints-check
            add rule ip skiff-proxy filter-input ct state new jump service-endpoints-check
            add rule ip skiff-proxy filter-forward ct state new jump service-endpoints-check
            add rule ip skiff-proxy filter-output ct state new jump service-endpoints-check
            add rule ip skiff-proxy nat-output jump services
            add rule ip skiff-proxy nat-prerouting jump services
            add rule ip skiff-proxy nat-postrouting jump masquerading
            add rule ip skiff-proxy mark-for-masquerade mark set mark or 0x00004000
            add rule ip skiff-proxy masquerading ip saddr . ip daddr @hairpin jump mark-for-masquerade
            add rule ip skiff-proxy masquerading mark and 0x00004000 == 0 return
            add rule ip skiff-proxy masquerading mark set mark xor 0x00004000
            add rule ip skiff-proxy masquerading masquerade fully-random
            add rule ip skiff-proxy reject-chain meta l4proto tcp reject with tcp reset
            add rule ip skiff-proxy reject-chain reject
            add rule ip skiff-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services
            add rule ip skiff-proxy nodeport-endpoints-check ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @no-endpoint-nodeports
            add rule ip skiff-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
            add rule ip skiff-proxy services fib daddr type local ip daddr != 127.0.0.0/8 meta l4proto . th dport vmap @service-nodeports

            """
        #expect(text == expected)
    }
}
