import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// The kubelet in the namespace topology (root only): it runs inside a node network namespace that this test
/// creates (a bridge holding the pod CIDR's gateway, no route out), gives every Pod a network namespace of its
/// own on that bridge, runs the built-in server there as `kubelet netexec`, and removes the namespace with the
/// Pod. Traffic goes only between namespaces the test made, from inside them.
@Suite(.serialized) struct KubeletNetnsTests {
    let subnet = Int.random(in: 100...199)

    @Test func podsGetNamespacesOnTheNodeBridge() async throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip") else {
            print("skipped: the namespace topology needs root and iproute2")
            return
        }
        let node = "skt-node-\(subnet)"
        let before = Set(Shell.lines(["ip", "netns", "list"]).map { String($0.split(separator: " ")[0]) })
        defer {
            // Everything this test made, also on failure: the node namespace and any Pod namespace left behind.
            for name in Set(Shell.lines(["ip", "netns", "list"]).map { String($0.split(separator: " ")[0]) }).subtracting(before)
            where name == node || name.hasPrefix("skp-") {
                _ = Shell.run(["ip", "netns", "del", name])
            }
        }
        for step in [["ip", "netns", "add", node], ["ip", "-n", node, "link", "set", "lo", "up"],
                     ["ip", "-n", node, "link", "add", "cbr0", "type", "bridge"],
                     ["ip", "-n", node, "addr", "add", "10.244.\(subnet).1/24", "dev", "cbr0"],
                     ["ip", "-n", node, "link", "set", "cbr0", "up"]] {
            try #require(Shell.run(step).status == 0, "\(step.joined(separator: " ")) failed")
        }

        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let kubelet = try cluster.startController("/usr/bin/env", arguments: [
            "ip", "netns", "exec", node, ClusterHarness.binDirectory.appendingPathComponent("kubelet").path,
            "--server", cluster.server, "--node", "node-1", "--pod-cidr", "10.244.\(subnet).0/24", "--node-ip", "10.244.\(subnet).1",
            "--pod-network", "netns", "--root-dir", cluster.directory.appendingPathComponent("node-1").path, "--heartbeat-interval", "1s",
        ])
        let client = try APIClient(config: APIClientConfig(server: cluster.server, timeout: .seconds(2)))
        defer { client.close() }
        let manifest = """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              nodeName: node-1
              containers:
              - name: server
                ports: [{name: http, containerPort: 8080}]
                readinessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 1}
            """
        let applied = await cluster.skiffctl(["apply", "-f", try cluster.write("web.yaml", manifest)])
        try #require(applied.status == 0, "\(applied.stderr)")
        var ip = ""
        try await waitUntil("web is Ready in its own namespace", timeout: .seconds(30)) {
            guard kubelet.isRunning else { throw HarnessError("kubelet exited:\n\(kubelet.log)") }
            let pod = try? await client.get(Pod.self, namespace: "default", name: "web")
            ip = pod?.status?.podIP ?? ""
            return pod?.status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } == true
        }
        #expect(ip.hasPrefix("10.244.\(subnet)."))
        let podNamespaces = Set(Shell.lines(["ip", "netns", "list"]).map { String($0.split(separator: " ")[0]) }).subtracting(before).filter { $0.hasPrefix("skp-") }
        #expect(podNamespaces.count == 1, "one namespace for the Pod: \(podNamespaces)")

        let answer = await CommandRunner.run("ip", ["netns", "exec", node, "curl", "-sS", "--max-time", "3", "http://\(ip):8080/"])
        #expect(answer.stdout == "web \(ip)\n", "curl from the node namespace: \(answer.stdout)\(answer.stderr)")
        // The node's own namespace does not hold the Pod IP: the answer came through the bridge.
        #expect(!Shell.run(["ip", "-n", node, "-4", "addr"]).output.contains(ip + "/"))

        #expect(await cluster.skiffctl(["delete", "pod", "web"]).status == 0)
        try await waitUntil("the Pod's namespace is removed", timeout: .seconds(20)) {
            Set(Shell.lines(["ip", "netns", "list"]).map { String($0.split(separator: " ")[0]) }).isDisjoint(with: podNamespaces)
        }
        let exit = try await kubelet.stop()
        #expect(exit == 0, "\(kubelet.log)")
    }
}
