import NodeProxy
import Testing

/// Literal snapshots for the nftables and ipvs rendering tests.
enum NFTFixtures {
    static let web = ServicePortName(namespace: "ns1", name: "web", port: "http")
    static let db = ServicePortName(namespace: "ns1", name: "db")

    static func snapshot(_ services: [ServicePortName: ServicePortInfo], _ endpoints: [ServicePortName: [EndpointInfo]] = [:]) -> ProxySnapshot {
        ProxySnapshot(nodeName: "node-a", services: services, endpoints: endpoints.filter { !$0.value.isEmpty })
    }

    static func eps(_ count: Int, port: Int = 8080) -> [EndpointInfo] {
        (1...count).map { EndpointInfo(ip: "10.244.\($0).2", port: port) }
    }

    static let webInfo = ServicePortInfo(clusterIPs: ["10.96.0.10"], port: 80)
    static let dbInfo = ServicePortInfo(clusterIPs: ["10.96.0.11"], port: 5432)
}


/// Names the golden texts use (checked against `NFTablesNames` in `NFTablesNamesTests`).
enum NFTNames {
    static let svc = "service-DK7ABAZC-ns1/web/tcp/http"
    static let ext = "external-DK7ABAZC-ns1/web/tcp/http"
    static let ep1 = "endpoint-R6EW3KCZ-ns1/web/tcp/http__10.244.1.2/8080"
    static let ep2 = "endpoint-5VGXRQ35-ns1/web/tcp/http__10.244.2.2/8080"
    static let ep3 = "endpoint-QJ23PN4X-ns1/web/tcp/http__10.244.3.2/8080"
    static let aff1 = "affinity-R6EW3KCZ-ns1/web/tcp/http__10.244.1.2/8080"
    static let aff2 = "affinity-5VGXRQ35-ns1/web/tcp/http__10.244.2.2/8080"
    static let aff3 = "affinity-QJ23PN4X-ns1/web/tcp/http__10.244.3.2/8080"
}

struct NFTablesNamesTests {
    /// The hashes Kubernetes' proxier.go gives as examples: our names are the same as kube-proxy's.
    @Test func namesMatchKubernetes() {
        let port = ServicePortName(namespace: "ns1", name: "svc1", port: "p80")
        #expect(NFTablesNames.clusterChain(port) == "service-ULMVA6XW-ns1/svc1/tcp/p80")
        #expect(NFTablesNames.endpointChain(port, EndpointInfo(ip: "10.180.0.1", port: 80)) == "endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80")
    }

    @Test func goldenNamesAreTheRenderersNames() {
        let eps = NFTFixtures.eps(3)
        #expect(NFTablesNames.clusterChain(NFTFixtures.web) == NFTNames.svc)
        #expect(NFTablesNames.externalChain(NFTFixtures.web) == NFTNames.ext)
        #expect(eps.map { NFTablesNames.endpointChain(NFTFixtures.web, $0) } == [NFTNames.ep1, NFTNames.ep2, NFTNames.ep3])
        #expect(NFTablesNames.affinitySet(NFTFixtures.web, eps[0]) == NFTNames.aff1)
    }

    /// Names stay within nft's 256 bytes: a hash prefix keeps truncated ones unique.
    @Test func longNamesAreTruncatedWithTheirHash() {
        let long = String(repeating: "a", count: 63)
        let port = ServicePortName(namespace: long, name: long, port: long)
        let a = NFTablesNames.endpointChain(port, EndpointInfo(ip: "fd00:1234:5678:9abc:def0:1234:5678:9abc", port: 65535))
        let b = NFTablesNames.endpointChain(port, EndpointInfo(ip: "fd00:1234:5678:9abc:def0:1234:5678:9abd", port: 65535))
        #expect(a.utf8.count <= 256 && a.hasSuffix("..."))
        #expect(a != b)
        #expect(!a.contains(":"))
    }
}

/// One snapshot and the per-Service part of its full-sync transaction (what follows the fixed base).
struct RenderCase: Sendable, CustomTestStringConvertible {
    var name: String
    var snapshot: ProxySnapshot
    var expected: String
    var options = NFTablesOptions()
    var testDescription: String { name }

    static let all: [RenderCase] = {
        var affinity = NFTFixtures.webInfo
        affinity.sessionAffinity = .clientIP(timeoutSeconds: 60)
        var nodePort = NFTFixtures.webInfo
        nodePort.nodePort = 30080
        var internalLocal = nodePort
        internalLocal.internalTrafficLocal = true
        let dns = ServicePortName(namespace: "kube-system", name: "dns", port: "dns", protocol: .udp)
        let dnsInfo = ServicePortInfo(clusterIPs: ["10.96.0.53"], port: 53, protocol: .udp)
        var externalLocal = NFTFixtures.webInfo
        externalLocal.externalIPs = ["192.0.2.7"]
        externalLocal.externalTrafficLocal = true
        var affinityNodePort = affinity
        affinityNodePort.nodePort = 30080
        let (svc, ext, ep1, ep2, ep3, aff1, aff2) = (NFTNames.svc, NFTNames.ext, NFTNames.ep1, NFTNames.ep2, NFTNames.ep3, NFTNames.aff1, NFTNames.aff2)
        let t = "ip skiff-proxy"
        return [
            RenderCase(name: "one service, three endpoints: elements only, a shared pick chain", snapshot: NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: NFTFixtures.eps(3)]), expected: """
                add chain \(t) pick-cluster-tcp-3
                flush chain \(t) pick-cluster-tcp-3
                add rule \(t) pick-cluster-tcp-3 meta l4proto tcp dnat to numgen random mod 3 . ip daddr . th dport map @service-endpoints-tcp
                add element \(t) hairpin { 10.244.1.2 . 10.244.1.2, 10.244.2.2 . 10.244.2.2, 10.244.3.2 . 10.244.3.2 }
                add element \(t) service-endpoints-tcp { 0 . 10.96.0.10 . 80 : 10.244.1.2 . 8080, 1 . 10.96.0.10 . 80 : 10.244.2.2 . 8080, 2 . 10.96.0.10 . 80 : 10.244.3.2 . 8080 }
                add element \(t) service-ips { 10.96.0.10 . tcp . 80 : goto pick-cluster-tcp-3 }
                """),
            RenderCase(name: "two services of three endpoints share one pick chain", snapshot: NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo, NFTFixtures.db: NFTFixtures.dbInfo], [NFTFixtures.web: NFTFixtures.eps(3), NFTFixtures.db: NFTFixtures.eps(3, port: 5432)]), expected: """
                add chain \(t) pick-cluster-tcp-3
                flush chain \(t) pick-cluster-tcp-3
                add rule \(t) pick-cluster-tcp-3 meta l4proto tcp dnat to numgen random mod 3 . ip daddr . th dport map @service-endpoints-tcp
                add element \(t) hairpin { 10.244.1.2 . 10.244.1.2, 10.244.2.2 . 10.244.2.2, 10.244.3.2 . 10.244.3.2 }
                add element \(t) service-endpoints-tcp { 0 . 10.96.0.11 . 5432 : 10.244.1.2 . 5432, 1 . 10.96.0.11 . 5432 : 10.244.2.2 . 5432, 2 . 10.96.0.11 . 5432 : 10.244.3.2 . 5432, 0 . 10.96.0.10 . 80 : 10.244.1.2 . 8080, 1 . 10.96.0.10 . 80 : 10.244.2.2 . 8080, 2 . 10.96.0.10 . 80 : 10.244.3.2 . 8080 }
                add element \(t) service-ips { 10.96.0.11 . tcp . 5432 : goto pick-cluster-tcp-3, 10.96.0.10 . tcp . 80 : goto pick-cluster-tcp-3 }
                """),
            RenderCase(name: "vmap pick for affinity chains, Kubernetes' rule", snapshot: NFTFixtures.snapshot([NFTFixtures.web: affinity], [NFTFixtures.web: NFTFixtures.eps(2)]), expected: """
                add chain \(t) \(svc)
                flush chain \(t) \(svc)
                add chain \(t) \(ep1)
                flush chain \(t) \(ep1)
                add chain \(t) \(ep2)
                flush chain \(t) \(ep2)
                add set \(t) \(aff2) { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; }
                add set \(t) \(aff1) { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; }
                add rule \(t) \(svc) ip saddr @\(aff1) goto \(ep1)
                add rule \(t) \(svc) ip saddr @\(aff2) goto \(ep2)
                add rule \(t) \(svc) numgen random mod 2 vmap { 0 : goto \(ep1) , 1 : goto \(ep2) }
                add rule \(t) \(ep1) ip saddr 10.244.1.2 jump mark-for-masquerade
                add rule \(t) \(ep1) update @\(aff1) { ip saddr }
                add rule \(t) \(ep1) meta l4proto tcp dnat to 10.244.1.2:8080
                add rule \(t) \(ep2) ip saddr 10.244.2.2 jump mark-for-masquerade
                add rule \(t) \(ep2) update @\(aff2) { ip saddr }
                add rule \(t) \(ep2) meta l4proto tcp dnat to 10.244.2.2:8080
                add element \(t) service-ips { 10.96.0.10 . tcp . 80 : goto \(svc) }
                """, options: NFTablesOptions(endpointPick: .vmap)),
            RenderCase(name: "UDP: its own pick chain and endpoint map", snapshot: NFTFixtures.snapshot([dns: dnsInfo], [dns: NFTFixtures.eps(1, port: 53)]), expected: """
                add chain \(t) pick-cluster-udp-1
                flush chain \(t) pick-cluster-udp-1
                add rule \(t) pick-cluster-udp-1 meta l4proto udp dnat to numgen random mod 1 . ip daddr . th dport map @service-endpoints-udp
                add element \(t) hairpin { 10.244.1.2 . 10.244.1.2 }
                add element \(t) service-endpoints-udp { 0 . 10.96.0.53 . 53 : 10.244.1.2 . 53 }
                add element \(t) service-ips { 10.96.0.53 . udp . 53 : goto pick-cluster-udp-1 }
                """),
            RenderCase(name: "no endpoints: reject element, no chains", snapshot: NFTFixtures.snapshot([NFTFixtures.db: NFTFixtures.dbInfo]), expected: """
                add element \(t) no-endpoint-services { 10.96.0.11 . tcp . 5432 : goto reject-chain }
                """),
            RenderCase(name: "ClientIP affinity: a set per endpoint, looked up before the random pick", snapshot: NFTFixtures.snapshot([NFTFixtures.web: affinity], [NFTFixtures.web: NFTFixtures.eps(2)]), expected: """
                add chain \(t) \(svc)
                flush chain \(t) \(svc)
                add chain \(t) \(ep1)
                flush chain \(t) \(ep1)
                add chain \(t) \(ep2)
                flush chain \(t) \(ep2)
                add set \(t) \(aff2) { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; }
                add set \(t) \(aff1) { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; }
                add rule \(t) \(svc) ip saddr @\(aff1) goto \(ep1)
                add rule \(t) \(svc) ip saddr @\(aff2) goto \(ep2)
                add rule \(t) \(svc) numgen random mod 2 == 0 goto \(ep1)
                add rule \(t) \(svc) goto \(ep2)
                add rule \(t) \(ep1) ip saddr 10.244.1.2 jump mark-for-masquerade
                add rule \(t) \(ep1) update @\(aff1) { ip saddr }
                add rule \(t) \(ep1) meta l4proto tcp dnat to 10.244.1.2:8080
                add rule \(t) \(ep2) ip saddr 10.244.2.2 jump mark-for-masquerade
                add rule \(t) \(ep2) update @\(aff2) { ip saddr }
                add rule \(t) \(ep2) meta l4proto tcp dnat to 10.244.2.2:8080
                add element \(t) service-ips { 10.96.0.10 . tcp . 80 : goto \(svc) }
                """),
            RenderCase(name: "NodePort: its own pick chain masquerades, endpoints keyed by protocol and port", snapshot: NFTFixtures.snapshot([NFTFixtures.web: nodePort], [NFTFixtures.web: NFTFixtures.eps(1)]), expected: """
                add chain \(t) pick-cluster-tcp-1
                flush chain \(t) pick-cluster-tcp-1
                add rule \(t) pick-cluster-tcp-1 meta l4proto tcp dnat to numgen random mod 1 . ip daddr . th dport map @service-endpoints-tcp
                add chain \(t) pick-nodeport-tcp-1
                flush chain \(t) pick-nodeport-tcp-1
                add rule \(t) pick-nodeport-tcp-1 jump mark-for-masquerade
                add rule \(t) pick-nodeport-tcp-1 meta l4proto tcp dnat to numgen random mod 1 . th dport map @nodeport-endpoints-tcp
                add element \(t) hairpin { 10.244.1.2 . 10.244.1.2 }
                add element \(t) nodeport-endpoints-tcp { 0 . 30080 : 10.244.1.2 . 8080 }
                add element \(t) service-endpoints-tcp { 0 . 10.96.0.10 . 80 : 10.244.1.2 . 8080 }
                add element \(t) service-ips { 10.96.0.10 . tcp . 80 : goto pick-cluster-tcp-1 }
                add element \(t) service-nodeports { tcp . 30080 : goto pick-nodeport-tcp-1 }
                """),
            RenderCase(name: "external IP with Local policy: masquerade only the node's own traffic", snapshot: NFTFixtures.snapshot([NFTFixtures.web: externalLocal], [NFTFixtures.web: [EndpointInfo(ip: "10.244.1.2", port: 8080, nodeName: "node-a"), EndpointInfo(ip: "10.244.2.2", port: 8080, nodeName: "node-b")]]), expected: """
                add chain \(t) pick-cluster-tcp-2
                flush chain \(t) pick-cluster-tcp-2
                add rule \(t) pick-cluster-tcp-2 meta l4proto tcp dnat to numgen random mod 2 . ip daddr . th dport map @service-endpoints-tcp
                add chain \(t) pick-external-local-tcp-1
                flush chain \(t) pick-external-local-tcp-1
                add rule \(t) pick-external-local-tcp-1 fib saddr type local jump mark-for-masquerade
                add rule \(t) pick-external-local-tcp-1 meta l4proto tcp dnat to numgen random mod 1 . ip daddr . th dport map @service-endpoints-tcp
                add element \(t) hairpin { 10.244.1.2 . 10.244.1.2, 10.244.2.2 . 10.244.2.2 }
                add element \(t) service-endpoints-tcp { 0 . 10.96.0.10 . 80 : 10.244.1.2 . 8080, 1 . 10.96.0.10 . 80 : 10.244.2.2 . 8080, 0 . 192.0.2.7 . 80 : 10.244.1.2 . 8080 }
                add element \(t) service-ips { 10.96.0.10 . tcp . 80 : goto pick-cluster-tcp-2, 192.0.2.7 . tcp . 80 : goto pick-external-local-tcp-1 }
                """),
            RenderCase(name: "no ready endpoint: serving terminating ones are used, not-serving ones are not", snapshot: NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: [
                EndpointInfo(ip: "10.244.1.2", port: 8080, ready: false, serving: true, terminating: true),
                EndpointInfo(ip: "10.244.2.2", port: 8080, ready: false, serving: false, terminating: true)]]), expected: """
                add chain \(t) pick-cluster-tcp-1
                flush chain \(t) pick-cluster-tcp-1
                add rule \(t) pick-cluster-tcp-1 meta l4proto tcp dnat to numgen random mod 1 . ip daddr . th dport map @service-endpoints-tcp
                add element \(t) hairpin { 10.244.1.2 . 10.244.1.2 }
                add element \(t) service-endpoints-tcp { 0 . 10.96.0.10 . 80 : 10.244.1.2 . 8080 }
                add element \(t) service-ips { 10.96.0.10 . tcp . 80 : goto pick-cluster-tcp-1 }
                """),
            RenderCase(name: "internalTrafficPolicy Local without a local endpoint: ClusterIP dropped, NodePort served", snapshot: NFTFixtures.snapshot([NFTFixtures.web: internalLocal], [NFTFixtures.web: [EndpointInfo(ip: "10.244.1.2", port: 8080, nodeName: "node-b")]]), expected: """
                add chain \(t) pick-nodeport-tcp-1
                flush chain \(t) pick-nodeport-tcp-1
                add rule \(t) pick-nodeport-tcp-1 jump mark-for-masquerade
                add rule \(t) pick-nodeport-tcp-1 meta l4proto tcp dnat to numgen random mod 1 . th dport map @nodeport-endpoints-tcp
                add element \(t) hairpin { 10.244.1.2 . 10.244.1.2 }
                add element \(t) no-endpoint-services { 10.96.0.10 . tcp . 80 : drop }
                add element \(t) nodeport-endpoints-tcp { 0 . 30080 : 10.244.1.2 . 8080 }
                add element \(t) service-nodeports { tcp . 30080 : goto pick-nodeport-tcp-1 }
                """),
            RenderCase(name: "ClientIP affinity with a NodePort: Kubernetes' external chain", snapshot: NFTFixtures.snapshot([NFTFixtures.web: affinityNodePort], [NFTFixtures.web: NFTFixtures.eps(1)]), expected: """
                add chain \(t) \(svc)
                flush chain \(t) \(svc)
                add chain \(t) \(ext)
                flush chain \(t) \(ext)
                add chain \(t) \(ep1)
                flush chain \(t) \(ep1)
                add set \(t) \(aff1) { type ipv4_addr ; flags dynamic,timeout ; timeout 60s ; }
                add rule \(t) \(svc) ip saddr @\(aff1) goto \(ep1)
                add rule \(t) \(svc) goto \(ep1)
                add rule \(t) \(ext) jump mark-for-masquerade
                add rule \(t) \(ext) goto \(svc)
                add rule \(t) \(ep1) ip saddr 10.244.1.2 jump mark-for-masquerade
                add rule \(t) \(ep1) update @\(aff1) { ip saddr }
                add rule \(t) \(ep1) meta l4proto tcp dnat to 10.244.1.2:8080
                add element \(t) service-ips { 10.96.0.10 . tcp . 80 : goto \(svc) }
                add element \(t) service-nodeports { tcp . 30080 : goto \(ext) }
                """),
        ]
    }()
}
struct NFTablesRendererTests {
    let renderer = NFTablesRenderer()

    func full(_ snapshot: ProxySnapshot, existing: NFTablesTableContents? = nil, options: NFTablesOptions = .init()) -> NFTablesTransaction {
        NFTablesRenderer(options: options).render(ProxyUpdate(snapshot: snapshot, changed: [], full: true), programmed: NFTablesState(), existing: existing)
    }

    /// The lines after the fixed base (which an empty snapshot renders alone).
    func serviceLines(_ transaction: NFTablesTransaction) -> String {
        let base = full(NFTFixtures.snapshot([:])).statements
        return transaction.text.split(separator: "\n").dropFirst(base).joined(separator: "\n")
    }

    @Test(arguments: RenderCase.all)
    func fullSyncRendersEachService(_ testCase: RenderCase) {
        let transaction = full(testCase.snapshot, options: testCase.options)
        #expect(serviceLines(transaction) == testCase.expected)
        #expect(transaction.statements == transaction.text.split(separator: "\n").count)
        #expect(transaction.replacesAll)
    }

    /// The masquerade options apply to ClusterIP traffic: they are the first rule of the cluster pick chains.
    @Test func masqueradeAllAndClusterCIDRMarkClusterIPTraffic() {
        let dnat = "meta l4proto tcp dnat to numgen random mod 2 . ip daddr . th dport map @service-endpoints-tcp"
        #expect(NFTablesRenderer(options: .init(masqueradeAll: true)).rules(of: NFTablesPick(.cluster, .tcp, 2)) == ["jump mark-for-masquerade", dnat])
        #expect(NFTablesRenderer(options: .init(clusterCIDR: "10.244.0.0/16")).rules(of: NFTablesPick(.cluster, .tcp, 2))
                == ["ip saddr != 10.244.0.0/16 jump mark-for-masquerade", dnat])
        #expect(renderer.rules(of: NFTablesPick(.cluster, .tcp, 2)) == [dnat])
        #expect(renderer.rules(of: NFTablesPick(.external, .tcp, 2)) == ["jump mark-for-masquerade", dnat])
    }

    /// A full sync deletes per-Service and pick chains and affinity sets the table holds that nothing needs any
    /// more (left by an earlier run, or by the layout before pick chains: `web` has no affinity, so no chain of
    /// its own now), and leaves the fixed chains and the pick chains in use alone.
    @Test func fullSyncDeletesStaleObjectsFoundInTheTable() {
        let existing = NFTablesTableContents(
            chains: ["services", NFTNames.svc, "pick-cluster-tcp-1", "pick-cluster-tcp-9", "service-OLD00000-ns9/gone/tcp/",
                     "endpoint-OLD00000-ns9/gone/tcp/__10.244.9.9/80"],
            sets: ["affinity-OLD00000-ns9/gone/tcp/__10.244.9.9/80"])
        let transaction = full(NFTFixtures.snapshot([NFTFixtures.web: NFTFixtures.webInfo], [NFTFixtures.web: NFTFixtures.eps(1)]), existing: existing)
        let tail = transaction.text.split(separator: "\n").suffix(9).joined(separator: "\n")
        #expect(tail == """
            flush chain ip skiff-proxy endpoint-OLD00000-ns9/gone/tcp/__10.244.9.9/80
            flush chain ip skiff-proxy pick-cluster-tcp-9
            flush chain ip skiff-proxy \(NFTNames.svc)
            flush chain ip skiff-proxy service-OLD00000-ns9/gone/tcp/
            delete chain ip skiff-proxy endpoint-OLD00000-ns9/gone/tcp/__10.244.9.9/80
            delete chain ip skiff-proxy pick-cluster-tcp-9
            delete chain ip skiff-proxy \(NFTNames.svc)
            delete chain ip skiff-proxy service-OLD00000-ns9/gone/tcp/
            delete set ip skiff-proxy affinity-OLD00000-ns9/gone/tcp/__10.244.9.9/80
            """)
    }

    @Test func ipv6OnlyServicesAreNotProgrammed() {
        let snapshot = NFTFixtures.snapshot([NFTFixtures.web: ServicePortInfo(clusterIPs: ["fd00::10"], port: 80)], [NFTFixtures.web: [EndpointInfo(ip: "fd00::2", port: 80)]])
        #expect(renderer.rules(for: NFTFixtures.web, in: snapshot) == nil)
        #expect(serviceLines(full(snapshot)) == "")
    }
}
