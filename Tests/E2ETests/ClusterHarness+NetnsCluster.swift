import Foundation
import SkiffAPI
import SkiffMessaging

/// One process of a whole cluster in the namespace topology.
enum ClusterComponent: Hashable, CustomStringConvertible {
    case apiserver, endpointsController, dnsController
    /// Node N's (1-based).
    case kubeProxy(Int), kubelet(Int)

    var description: String {
        switch self {
        case .apiserver: "apiserver"
        case .endpointsController: "endpoints-controller"
        case .dnsController: "coredns-controller"
        case .kubeProxy(let n): "kube-proxy-\(n)"
        case .kubelet(let n): "kubelet-\(n)"
        }
    }
}

/// A whole cluster in a `ClusterTopology`, as `make up TOPOLOGY=netns` runs it: the apiserver and the
/// endpoints-controller on the host (ipc:// sockets, which reach every namespace), the coredns-controller in the
/// lan namespace on 10.244.255.254:53, and in each node's namespace a kube-proxy (nftables) and a kubelet
/// (a namespace per Pod). Any component can be SIGKILLed and started again; each start logs to a file of its own
/// (`kubelet-2.1.log` is the second start of node 2's kubelet) in the harness directory.
final class NetnsCluster: @unchecked Sendable {
    let harness: ClusterHarness
    let topology: ClusterTopology
    let client: APIClient
    private var running: [ClusterComponent: ControllerProcess] = [:]
    private var starts: [ClusterComponent: Int] = [:]

    init(topology: ClusterTopology) throws {
        self.topology = topology
        harness = try ClusterHarness()
        client = try APIClient(config: APIClientConfig(server: harness.server, timeout: .seconds(2)))
    }

    deinit {
        client.close()
        // Nodes first, so that the kubelets stop their Pods while the apiserver is still there to hear of it.
        for component in running.keys.sorted(by: { Self.order($0) > Self.order($1) }) {
            if let process = running[component], process.isRunning { process.process.terminate(); process.process.waitUntilExit() }
        }
    }

    var nodeNames: [String] { topology.nodes }
    var components: [ClusterComponent] {
        [.apiserver, .endpointsController, .dnsController] + (1...nodeNames.count).flatMap { [ClusterComponent.kubeProxy($0), .kubelet($0)] }
    }

    /// Starts every component and waits until every node is Ready and the DNS answers.
    func startAll() async throws {
        for component in components { try await start(component) }
        try await waitUntil("\(nodeNames.count) nodes are Ready", timeout: .seconds(30)) {
            try self.checkRunning()
            let nodes = (try? await self.client.list(Node.self, namespace: nil).items) ?? []
            return nodes.filter { $0.isReady && self.nodeNames.contains($0.name) }.count == self.nodeNames.count
        }
    }

    /// Starts `component` (again); the apiserver and the DNS are waited for, the others connect by themselves.
    func start(_ component: ClusterComponent) async throws {
        let incarnation = starts[component, default: 0]
        starts[component] = incarnation + 1
        let logName = "\(component).\(incarnation)"
        let server = harness.server
        switch component {
        case .apiserver:
            try await harness.startAPIServer(extraArguments: ["--service-cidr", "10.96.0.0/16"])
        case .endpointsController:
            running[component] = try harness.startController("endpoints-controller", arguments: ["--server", server], logName: logName)
        case .dnsController:
            running[component] = try inNamespace(topology.lan, "coredns-controller", [
                "--server", server, "--listen", "\(ClusterTopology.lanIP):\(ClusterTopology.dnsPort)",
            ], logName: logName)
            try await waitUntil("the cluster DNS answers", timeout: .seconds(20)) {
                try self.checkRunning()
                return await self.topology.dig(from: self.nodeNames[0], "dns-version.cluster.local") != nil
            }
        case .kubeProxy(let n):
            running[component] = try inNamespace(nodeNames[n - 1], "kube-proxy", [
                "--server", server, "--node", nodeNames[n - 1], "--mode", "nftables", "--min-sync-period", "50ms",
            ], logName: logName)
        case .kubelet(let n):
            running[component] = try inNamespace(nodeNames[n - 1], "kubelet", [
                "--server", server, "--node", nodeNames[n - 1], "--pod-cidr", topology.podCIDR(n), "--node-ip", topology.nodeIP(n),
                "--pod-network", "netns", "--root-dir", harness.directory.appendingPathComponent(nodeNames[n - 1]).path,
                "--heartbeat-interval", "1s",
            ], logName: logName)
        }
    }

    /// SIGKILLs `component` and waits until it is gone.
    func kill(_ component: ClusterComponent) async throws {
        if component == .apiserver {
            try await harness.stopAPIServer(signal: SIGKILL)
            return
        }
        guard let process = running.removeValue(forKey: component) else { throw HarnessError("\(component) is not running") }
        try await process.stop(signal: SIGKILL)
    }

    /// Throws, with its log, when a component has exited on its own.
    func checkRunning() throws {
        for (component, process) in running where !process.isRunning {
            throw HarnessError("\(component) exited with \(process.process.terminationStatus):\n\(process.log.suffix(3000))")
        }
        if let apiserver = harness.apiserver, !apiserver.isRunning { throw HarnessError("apiserver exited:\n\(harness.log.suffix(3000))") }
    }

    /// Stops every component with SIGTERM, nodes first; returns those that did not exit with status 0.
    func stopAll() async throws -> [String] {
        var failed: [String] = []
        for component in running.keys.sorted(by: { Self.order($0) > Self.order($1) }) {
            guard let process = running.removeValue(forKey: component) else { continue }
            let status = try await process.stop()
            if status != 0 { failed.append("\(component) exited with \(status):\n\(process.log.suffix(2000))") }
        }
        let status = try await harness.stopAPIServer()
        if status != 0 { failed.append("apiserver exited with \(status)") }
        return failed
    }

    /// The last lines of every component's logs and the node's container logs, for a failure report.
    func logTails(lines: Int = 25) -> String {
        let files = FileManager.default.enumerator(at: harness.directory, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "log" }.sorted { $0.path < $1.path } ?? []
        return files.map { file in
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            return "==> \(file.path.dropFirst(harness.directory.path.count + 1)) <==\n" + text.split(separator: "\n").suffix(lines).joined(separator: "\n")
        }.joined(separator: "\n")
    }

    /// Where the Pods are: each node's Pod processes and each Pod namespace's addresses, for a failure report.
    func podState() -> String {
        var lines = (1...nodeNames.count).map { "node \($0): Pod processes \(podProcesses(node: $0))" }
        for node in nodeNames {
            lines.append("\(node) neighbours: \(Shell.run(["ip", "-n", node, "neigh"]).output)")
            lines.append("\(node) links: \(Shell.run(["ip", "-n", node, "-br", "link"]).output)")
        }
        for (pid, owner) in topology.podProcesses() {
            lines.append("\(owner.pod) (pid \(pid)): \(Shell.run(["nsenter", "-t", "\(pid)", "-n", "ip", "-br", "addr"]).output)")
        }
        for namespace in topology.podNamespaces().sorted() {
            lines.append("\(namespace): pids \(Shell.lines(["ip", "netns", "pids", namespace])) \(Shell.run(["ip", "-n", namespace, "-4", "-o", "addr"]).output)")
        }
        return lines.joined(separator: "\n")
    }

    /// The pod namespaces' processes of node `n`'s Pods, by Pod name.
    func podProcesses(node n: Int) -> [String: [pid_t]] {
        var pods: [String: [pid_t]] = [:]
        for (pid, owner) in topology.podProcesses() where owner.node == nodeNames[n - 1] { pods[owner.pod, default: []].append(pid) }
        return pods.mapValues { $0.sorted() }
    }

    private func inNamespace(_ namespace: String, _ executable: String, _ arguments: [String], logName: String) throws -> ControllerProcess {
        // `ip netns exec` execs the component, so the process is the component itself.
        try harness.startController("/usr/sbin/ip", arguments: [
            "netns", "exec", namespace, ClusterHarness.binDirectory.appendingPathComponent(executable).path,
        ] + arguments, logName: logName)
    }

    private static func order(_ component: ClusterComponent) -> Int {
        switch component {
        case .apiserver: 0
        case .endpointsController: 1
        case .dnsController: 2
        case .kubeProxy(let n): 10 + n
        case .kubelet(let n): 20 + n
        }
    }
}
