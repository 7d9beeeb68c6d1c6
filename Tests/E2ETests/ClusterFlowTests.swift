import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// The whole registration flow on one host, every component a real process: apiserver, endpoints-controller,
/// coredns-controller, and two simulated nodes (a kubelet and a userspace kube-proxy each). A Service and two
/// Pods are applied with `--wait`, which returns only once DNS and both proxies serve them; the name resolves
/// with dig; the ClusterIP answers from both Pods through a node proxy; a deleted Pod stops getting traffic;
/// every process stops cleanly on SIGTERM.
@Suite(.serialized) struct ClusterFlowTests {
    /// Addresses of this run's own, away from `make up`'s 127.96.0.0/16 and 127.244.1-9.0/24, so that a cluster
    /// running beside the tests never shares a listening address with them.
    let run = Int.random(in: 100...199)

    var manifest: String {
        """
        apiVersion: v1
        kind: Service
        metadata: {name: ent}
        spec:
          selector: {app: ent}
          ports: [{name: http, port: 80, targetPort: http}]
        """ + (1...2).map { """

        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: ent-\($0), labels: {app: ent}}
        spec:
          containers:
          - name: server
            ports: [{name: http, containerPort: 8080}]
            readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
        """ }.joined()
    }

    @Test func applyWaitResolveAndReachThroughTheNodeProxies() async throws {
        guard ClusterHarness.hasDig else {
            print("skipped: dig is not installed (apt-get install dnsutils)")
            return
        }
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer(extraArguments: ["--service-cidr", "127.\(run).0.0/24"])
        var processes = [try cluster.startEndpointsController()]
        let (dns, port) = try await cluster.startDNSController()
        processes.append(dns)
        for node in 1...2 {
            processes.append(try cluster.startController("kubelet", arguments: [
                "--server", cluster.server, "--node", "node-\(node)", "--pod-cidr", "127.\(243 + node).\(run).0/24",
                "--root-dir", cluster.directory.appendingPathComponent("node-\(node)").path, "--heartbeat-interval", "1s",
            ]))
            processes.append(try cluster.startController("kube-proxy", arguments: [
                "--server", cluster.server, "--node", "node-\(node)", "--mode", "userspace", "--min-sync-period", "0s",
            ]))
        }
        let client = try APIClient(config: APIClientConfig(server: cluster.server, timeout: .seconds(2)))
        defer { client.close() }
        try await waitUntil("both nodes are Ready", timeout: .seconds(30)) {
            for process in processes where !process.isRunning { throw HarnessError("\(process.name) exited:\n\(process.log)") }
            let nodes = (try? await client.list(Node.self, namespace: nil).items) ?? []
            return nodes.filter(\.isReady).count == 2
        }

        let applied = await cluster.skiffctl(["apply", "--wait", "--timeout", "30s", "-f", try cluster.write("ent.yaml", manifest)])
        try #require(applied.status == 0, "apply --wait failed:\n\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("served: in DNS and on every Ready node's proxy"))

        // The registration timeline: every step done, each with how long it took, on the apiserver's clock.
        let described = await cluster.skiffctl(["describe", "svc", "ent"]).stdout
        #expect(described.contains("Registration:") && described.contains("Took"), "\(described)")
        for step in ["received", "authorized", "allocated", "admitted", "persisted", "endpoints", "dns", "proxy node-1", "proxy node-2"] {
            #expect(described.contains("\n  \(step) "), "no step \(step) in:\n\(described)")
        }
        #expect(!described.contains("pending"), "\(described)")
        let events = await cluster.skiffctl(["events"]).stdout
        #expect(events.components(separatedBy: "ProxyProgrammed").count - 1 == 2, "\(events)")
        #expect(events.contains("DNSServed") && events.contains("EndpointsWritten") && events.contains("Persisted"))
        #expect(events.contains("ClusterIPAllocated") && events.contains("Admitted") && events.contains(", took "), "\(events)")

        let answer = await cluster.dig(port: port, ["+short", "ent.default.svc.cluster.local"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(answer.hasPrefix("127.\(run).0."), "dig answered \(answer)")
        let service = try await client.get(Service.self, namespace: "default", name: "ent")
        #expect(answer == service.spec?.clusterIP)

        // Both Pods answer through the ClusterIP once they are ready.
        var seen: Set<String> = []
        try await waitUntil("both Pods answer on \(answer):80", timeout: .seconds(30)) {
            if let body = try? await curl("http://\(answer):80/") { seen.insert(String(body.prefix { $0 != " " })) }
            return seen == ["ent-1", "ent-2"]
        }

        // A deleted Pod stops getting traffic.
        let deleted = await cluster.skiffctl(["delete", "pod", "ent-1"])
        try #require(deleted.status == 0, "\(deleted.stderr)")
        var streak = 0
        try await waitUntil("only ent-2 answers", timeout: .seconds(30)) {
            let body = try? await curl("http://\(answer):80/")
            streak = body?.hasPrefix("ent-2 ") == true ? streak + 1 : 0
            return streak >= 10
        }

        for process in processes.reversed() {
            let status = try await process.stop()
            #expect(status == 0, "\(process.name) exited with \(status):\n\(process.log)")
        }
    }

    /// The body of a GET, or a thrown error when curl fails.
    private func curl(_ url: String) async throws -> String {
        let result = await CommandRunner.run("curl", ["-sS", "--max-time", "2", url])
        guard result.status == 0 else { throw HarnessError("curl \(url) exited with \(result.status): \(result.stderr)") }
        return result.stdout
    }
}
