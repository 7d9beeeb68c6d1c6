import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// kube-proxy in nftables mode end to end (root only): the real apiserver, endpoints-controller and kube-proxy,
/// the proxy inside a node network namespace joined to three pod namespaces that run real HTTP backends. Traffic
/// goes only between namespaces the test made, from inside them (DESIGN.md "Address plan").
@Suite(.serialized) struct NodeProxyNFTablesTests {
    static let manifest = """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports:
          - {name: http, port: 80, targetPort: http}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: empty}
        spec:
          selector: {app: nothing}
          ports:
          - {name: http, port: 80, targetPort: 8080}
        """ + (1...3).map { """

        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-\($0), labels: {app: web}}
        spec:
          containers:
          - name: server
            ports:
            - {name: http, containerPort: 8080}
        """ }.joined()

    static func status(_ pod: Int, ip: String, ready: Bool) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web-\(pod)}
        status:
          phase: Running
          podIP: \(ip)
          conditions:
          - {type: Ready, status: "\(ready ? "True" : "False")"}

        """
    }

    @Test func clusterIPTrafficReachesReadyEndpoints() async throws {
        if let reason = NetnsTopology.unavailableReason {
            print("skipped: kube-proxy nftables E2E \(reason)")
            return
        }
        let topology = try NetnsTopology(pods: 3)
        for index in 0..<3 { try await topology.startBackend(pod: index, body: "web-\(index + 1)", port: 8080) }

        let cluster = try ClusterHarness()
        try await cluster.startAPIServer(extraArguments: ["--service-cidr", "10.96.0.0/16"])
        let controller = try cluster.startEndpointsController()
        let proxy = try cluster.startController("/usr/bin/env", arguments: [
            "ip", "netns", "exec", topology.node, ClusterHarness.binDirectory.appendingPathComponent("kube-proxy").path,
            "--server", cluster.server, "--node", "node-1", "--mode", "nftables", "--min-sync-period", "50ms",
        ])
        defer { _ = proxy.process.isRunning ? kill(proxy.process.processIdentifier, SIGTERM) : 0 }
        let client = try APIClient(config: APIClientConfig(server: cluster.server, timeout: .seconds(2)))
        defer { client.close() }

        try await apply(cluster, ["-f", try cluster.write("web.yaml", Self.manifest)])
        let ready = (1...3).map { Self.status($0, ip: topology.pods[$0 - 1].ip, ready: true) }.joined(separator: "---\n")
        try await apply(cluster, ["--subresource", "status", "-f", try cluster.write("ready.yaml", ready)])
        let web = try #require(try await client.get(Service.self, namespace: "default", name: "web").spec?.clusterIP)
        let empty = try #require(try await client.get(Service.self, namespace: "default", name: "empty").spec?.clusterIP)

        do {
            try await waitUntil("the ClusterIP answers through kube-proxy's rules", timeout: .seconds(30)) {
                guard proxy.isRunning else {
                    if proxy.log.contains("is not built yet") { throw ProxyNotWired() }
                    throw HarnessError("kube-proxy exited:\n\(proxy.log)")
                }
                return await topology.curl("http://\(web)/").output.hasPrefix("web-")
            }
        } catch is ProxyNotWired {
            print("skipped: this kube-proxy build has no --mode nftables yet (KubeProxyCommand+Proxier.swift)")
            return
        }
        var answers: [String] = []
        for _ in 0..<30 { answers.append(await topology.curl("http://\(web)/").output) }
        #expect(Set(answers) == ["web-1", "web-2", "web-3"], "30 requests: \(answers)")

        // web-2 not ready: its endpoint-map element goes, and it gets no more traffic.
        try await apply(cluster, ["--subresource", "status", "-f", try cluster.write("two.yaml", Self.status(2, ip: topology.pods[1].ip, ready: false))])
        try await waitUntil("web-2's rules are gone", timeout: .seconds(20)) {
            !topology.nft("list", "table", "ip", "skiff-proxy").contains("\(topology.pods[1].ip) . 8080")
        }
        var after: [String] = []
        for _ in 0..<30 { after.append(await topology.curl("http://\(web)/").output) }
        #expect(Set(after) == ["web-1", "web-3"], "30 requests with web-2 not ready: \(after)")

        // A Service without endpoints is refused at once, not left to time out.
        let start = ContinuousClock.now
        let refused = await topology.curl("http://\(empty)/", timeout: 5)
        #expect(refused.status == 7, "curl to the endpoint-less Service: \(refused)")
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(topology.nft("list", "map", "ip", "skiff-proxy", "no-endpoint-services").contains("\(empty) . tcp . 80 : goto reject-chain"))

        // Deleting the Service removes its map element and chains.
        #expect(await cluster.skiffctl(["delete", "service", "web"]).status == 0)
        try await waitUntil("web's map element is gone", timeout: .seconds(20)) {
            !topology.nft("list", "map", "ip", "skiff-proxy", "service-ips").contains(web)
        }
        #expect(!topology.nft("list", "table", "ip", "skiff-proxy").contains("-default/web/tcp/"))

        #expect(try await proxy.stop() == 0, "\(proxy.log)")
        #expect(try await controller.stop() == 0)
    }

    private func apply(_ cluster: ClusterHarness, _ arguments: [String]) async throws {
        let result = await cluster.skiffctl(["apply"] + arguments)
        try #require(result.status == 0, "skiffctl apply \(arguments): \(result.stderr)")
    }
}

/// kube-proxy answered that --mode nftables is not wired into this build.
struct ProxyNotWired: Error {}
