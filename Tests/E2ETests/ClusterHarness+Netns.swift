import Foundation

/// Network namespaces for node-proxy tests (root only): a node namespace joined to each pod namespace by a veth
/// pair, every pair its own /30 in 10.244.S.0/24, a route for the service CIDR in the node namespace, and in each
/// pod namespace a route back to 10.244.0.0/16 through its pair. Nothing routes out of these namespaces.
/// `deinit` stops the backends and deletes every namespace (and its /etc/netns directory), pass or fail.
final class NetnsTopology: @unchecked Sendable {
    struct Pod {
        var namespace: String
        var ip: String
        var gateway: String
    }

    let node: String
    private(set) var pods: [Pod] = []
    private var created: [String] = []
    private var backends: [Process] = []
    private let scratch: URL

    /// Why the topology cannot be built here, or nil.
    static var unavailableReason: String? {
        if getuid() != 0 { return "needs root (creates network namespaces)" }
        for tool in ["/usr/sbin/ip", "/usr/sbin/nft", "/usr/bin/curl", "/usr/bin/python3"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is not installed"
        }
        return nil
    }

    init(pods count: Int, serviceCIDR: String = "10.96.0.0/12") throws {
        let tag = "\(getpid() % 10_000)-\(Int.random(in: 0..<10_000))"
        let subnet = Int.random(in: 100...199)
        node = "snft-node-\(tag)"
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("snft-\(tag)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        try add(node)
        try Self.run(["ip", "-n", node, "link", "set", "lo", "up"])
        for index in 1...count {
            let namespace = "snft-pod\(index)-\(tag)"
            try add(namespace)
            let (gateway, ip) = ("10.244.\(subnet).\(index * 4 + 1)", "10.244.\(subnet).\(index * 4 + 2)")
            let veth = "veth-p\(index)"
            try Self.run(["ip", "-n", node, "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", namespace])
            try Self.run(["ip", "-n", node, "addr", "add", "\(gateway)/30", "dev", veth])
            try Self.run(["ip", "-n", node, "link", "set", veth, "up"])
            try Self.run(["ip", "-n", namespace, "addr", "add", "\(ip)/30", "dev", "eth0"])
            try Self.run(["ip", "-n", namespace, "link", "set", "eth0", "up"])
            try Self.run(["ip", "-n", namespace, "link", "set", "lo", "up"])
            try Self.run(["ip", "-n", namespace, "route", "add", "10.244.0.0/16", "via", gateway])
            pods.append(Pod(namespace: namespace, ip: ip, gateway: gateway))
        }
        // connect() to a ClusterIP needs a route before the nat output hook rewrites the destination.
        try Self.run(["ip", "-n", node, "route", "add", serviceCIDR, "dev", "veth-p1"])
    }

    deinit {
        // SIGKILL: a child started from a dispatch thread inherits its blocked SIGTERM, and python then ignores it.
        for backend in backends where backend.isRunning { kill(backend.processIdentifier, SIGKILL); backend.waitUntilExit() }
        for namespace in created.reversed() {
            _ = Shell.run(["ip", "netns", "del", namespace])
            try? FileManager.default.removeItem(atPath: "/etc/netns/\(namespace)")
        }
        try? FileManager.default.removeItem(at: scratch)
    }

    /// Starts `python3 -m http.server` in pod `index` (0-based), answering `body` on `port`, and waits until the
    /// node namespace gets that answer.
    func startBackend(pod index: Int, body: String, port: Int) async throws {
        let pod = pods[index]
        let root = scratch.appendingPathComponent("pod\(index)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try body.write(to: root.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "exec", pod.namespace, "/usr/bin/python3", "-m", "http.server", "\(port)", "--bind", pod.ip, "--directory", root.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        backends.append(process)
        try await waitUntil("backend \(pod.namespace) answers", timeout: .seconds(20)) {
            guard process.isRunning else { throw HarnessError("http.server in \(pod.namespace) exited with \(process.terminationStatus)") }
            return await self.curl("http://\(pod.ip):\(port)/").output == body
        }
    }

    /// curl from inside the node namespace: exit status (7: connection refused) and body.
    func curl(_ url: String, timeout: Int = 2) async -> (status: Int32, output: String) {
        let result = await CommandRunner.run("ip", ["netns", "exec", node, "curl", "-sS", "--max-time", "\(timeout)", url])
        return (result.status, (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func nft(_ arguments: String...) -> String {
        Shell.run(["ip", "netns", "exec", node, "nft"] + arguments).output
    }

    private func add(_ namespace: String) throws {
        try Self.run(["ip", "netns", "add", namespace])
        created.append(namespace)
        // A resolver of its own: a program that looks up names at start must not reach the host's DNS.
        try FileManager.default.createDirectory(atPath: "/etc/netns/\(namespace)", withIntermediateDirectories: true)
        try "nameserver 127.0.0.1\n".write(toFile: "/etc/netns/\(namespace)/resolv.conf", atomically: true, encoding: .utf8)
    }

    private static func run(_ command: [String]) throws {
        let result = Shell.run(command)
        guard result.status == 0 else { throw HarnessError("\(command.joined(separator: " ")) failed: \(result.output)") }
    }
}
