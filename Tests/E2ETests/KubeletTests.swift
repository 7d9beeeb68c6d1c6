import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// The kubelet end to end: the real apiserver and `kubelet` executable. It registers its Node with a Ready
/// heartbeat, gives bound Pods IPs from its CIDR, serves the built-in netexec server for a container without a
/// command, runs a container's command with the Pod's environment, drives Ready from a readiness probe, stops a
/// deleted Pod's processes, and reports the node not ready when it stops.
@Suite(.serialized) struct KubeletTests {
    /// A CIDR of its own per run, away from `make up`'s 127.244.1-9.
    let subnet = Int.random(in: 100...199)

    func manifest(marker: String) -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: web-1, labels: {app: web}}
        spec:
          nodeName: node-1
          containers:
          - name: server
            ports: [{name: http, containerPort: 8080}]
            readinessProbe:
              httpGet: {path: /healthz, port: http}
              periodSeconds: 1
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: worker}
        spec:
          nodeName: node-1
          terminationGracePeriodSeconds: 5
          containers:
          - name: main
            command: ["sh", "-c", "echo \\"$$ $POD_NAME $POD_NAMESPACE $POD_IP $PORT\\" > \(marker); exec sleep 600"]
            ports: [{containerPort: 9000}]
            readinessProbe:
              exec: {command: ["test", "-f", "\(marker)"]}
              periodSeconds: 1
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: elsewhere}
        spec:
          nodeName: node-2
          containers: [{name: c}]
        """
    }

    @Test func runsThePodsBoundToItsNode() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        // A Pod created while no node is Ready stays unbound until one is; then the scheduler binds it.
        let early = await cluster.skiffctl(["apply", "-f", try cluster.write("early.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: early}\nspec: {containers: [{name: c}]}\n")])
        try #require(early.status == 0, "\(early.stderr)")
        let kubelet = try cluster.startController("kubelet", arguments: [
            "--server", cluster.server, "--node", "node-1", "--pod-cidr", "127.244.\(subnet).0/24",
            "--root-dir", cluster.directory.appendingPathComponent("kubelet").path, "--heartbeat-interval", "1s",
        ])
        let client = try APIClient(config: APIClientConfig(server: cluster.server, timeout: .seconds(2)))
        defer { client.close() }

        try await waitUntil("node-1 registers Ready", timeout: .seconds(20)) {
            guard kubelet.isRunning else { throw HarnessError("kubelet exited:\n\(kubelet.log)") }
            return (try? await client.get(Node.self, namespace: "", name: "node-1"))?.isReady == true
        }
        let node = try await client.get(Node.self, namespace: "", name: "node-1")
        #expect(node.spec?.podCIDR == "127.244.\(subnet).0/24")
        #expect(try await waitForReady(client, "early", kubelet).spec?.nodeName == "node-1")

        let marker = cluster.directory.appendingPathComponent("worker.env").path
        let applied = await cluster.skiffctl(["apply", "-f", try cluster.write("pods.yaml", manifest(marker: marker))])
        try #require(applied.status == 0, "\(applied.stderr)")

        let web = try await waitForReady(client, "web-1", kubelet)
        let ip = try #require(web.status?.podIP)
        #expect(ip.hasPrefix("127.244.\(subnet)."))
        #expect(web.status?.hostIP == "127.0.0.1")
        #expect(try await curl("http://\(ip):8080/") == "web-1 \(ip)\n")

        let worker = try await waitForReady(client, "worker", kubelet)
        let workerIP = try #require(worker.status?.podIP)
        #expect(workerIP != ip)
        let fields = try String(contentsOfFile: marker, encoding: .utf8).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(Array(fields.dropFirst()) == ["worker", "default", workerIP, "9000"])
        let pid = try #require(Int32(fields[0]))

        let elsewhere = try await client.get(Pod.self, namespace: "default", name: "elsewhere")
        #expect(elsewhere.status?.podIP == nil, "a Pod bound to another node is not run here")

        // The simple scheduler spreads Pods that name no node over the Ready nodes, round robin.
        let second = try cluster.startController("kubelet", arguments: [
            "--server", cluster.server, "--node", "node-2", "--pod-cidr", "127.245.\(subnet).0/24",
            "--root-dir", cluster.directory.appendingPathComponent("kubelet-2").path, "--heartbeat-interval", "1s",
        ])
        try await waitUntil("node-2 registers Ready", timeout: .seconds(20)) {
            (try? await client.get(Node.self, namespace: "", name: "node-2"))?.isReady == true
        }
        let floating = (1...4).map { "apiVersion: v1\nkind: Pod\nmetadata: {name: float-\($0)}\nspec:\n  containers: [{name: c, ports: [{containerPort: 8080}]}]\n" }
        let scheduled = await cluster.skiffctl(["apply", "-f", try cluster.write("float.yaml", floating.joined(separator: "---\n"))])
        try #require(scheduled.status == 0, "\(scheduled.stderr)")
        var nodes: [String] = []
        for index in 1...4 { nodes.append(try await waitForReady(client, "float-\(index)", second).spec?.nodeName ?? "") }
        #expect(nodes.sorted() == ["node-1", "node-1", "node-2", "node-2"])
        #expect(try await second.stop() == 0)

        // Deleting the Pod terminates it gracefully: the kubelet sends SIGTERM (sleep exits at once), then removes
        // the Pod from the apiserver.
        let deleted = await cluster.skiffctl(["delete", "pod", "worker"])
        try #require(deleted.status == 0, "\(deleted.stderr)")
        try await waitUntil("the worker's process exits", timeout: .seconds(15)) { kill(pid, 0) != 0 }
        try await waitUntil("the kubelet removes the terminated Pod", timeout: .seconds(15)) {
            do { _ = try await client.get(Pod.self, namespace: "default", name: "worker"); return false } catch { return (error as? APIError)?.isNotFound == true }
        }

        // A graceful stop reports the node not ready.
        let exit = try await kubelet.stop()
        #expect(exit == 0)
        let stopped = try await client.get(Node.self, namespace: "", name: "node-1")
        #expect(!stopped.isReady)
        let afterStop = try? await curl("http://\(ip):8080/")
        #expect(afterStop == nil, "the built-in server stopped with the kubelet")
    }

    private func waitForReady(_ client: APIClient, _ name: String, _ kubelet: ControllerProcess) async throws -> Pod {
        var latest: Pod?
        try await waitUntil("\(name) becomes Ready", timeout: .seconds(20)) {
            guard kubelet.isRunning else { throw HarnessError("kubelet exited:\n\(kubelet.log)") }
            latest = try? await client.get(Pod.self, namespace: "default", name: name)
            return latest?.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } == true
        }
        return try #require(latest)
    }

    /// The body of a GET, or a thrown error when curl fails.
    private func curl(_ url: String) async throws -> String {
        let result = await CommandRunner.run("curl", ["-sS", "--max-time", "5", url])
        guard result.status == 0 else { throw HarnessError("curl \(url) exited with \(result.status): \(result.stderr)") }
        return result.stdout
    }
}
