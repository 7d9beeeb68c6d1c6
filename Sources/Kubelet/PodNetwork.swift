import Foundation

/// Where a kubelet's Pods live on the network: the seam between the loopback topology (every Pod IP an address
/// of the node's own `lo`) and the namespace topology (a network namespace per Pod on a bridge of the node).
public protocol PodNetwork: Sendable {
    /// Gives the Pod its network (idempotent: a kubelet restart finds it in place).
    func setUp(podKey: String, ip: String) async throws(KubeletError)
    /// Removes what `setUp` made; quiet when it is already gone.
    func tearDown(podKey: String) async
    /// The prefix that runs a program inside the Pod's network; empty for the node's own.
    func execPrefix(podKey: String) -> [String]
    /// Finds the network of a Pod whose process `pid` outlived an earlier kubelet, so that the Pod keeps it
    /// (`setUp` would make a new one); false when it cannot be had.
    func reattach(podKey: String, ip: String, pid: pid_t) async -> Bool
}

extension PodNetwork {
    public func reattach(podKey: String, ip: String, pid: pid_t) async -> Bool { true }
}

/// The loopback topology (`make up`): Linux routes all of 127/8 to `lo`, so a Pod IP needs no setup and the
/// kubelet serves a container without a command from its own process.
public struct HostPodNetwork: PodNetwork {
    public init() {}
    public func setUp(podKey: String, ip: String) async throws(KubeletError) {}
    public func tearDown(podKey: String) async {}
    public func execPrefix(podKey: String) -> [String] { [] }
}

/// The namespace topology: each Pod gets a network namespace with `eth0`, the peer of a veth whose other end is
/// on the node's bridge; the bridge holds the gateway address, and the Pod routes `routes` (the pod and service
/// ranges) through it. No default route: a Pod reaches the cluster and nothing else.
///
/// The kubelet runs inside the node's namespace, so `ip netns add` and `ip link` act there.
public struct NamespacePodNetwork: PodNetwork {
    public let bridge: String
    public let gateway: String
    public let prefixLength: Int
    public let routes: [String]
    /// Distinguishes this node's Pod namespaces from other nodes' (namespaces are host-wide names).
    public let nodeName: String

    public init(nodeName: String, bridge: String = "cbr0", gateway: String, prefixLength: Int, routes: [String]) {
        self.nodeName = nodeName
        self.bridge = bridge
        self.gateway = gateway
        self.prefixLength = prefixLength
        self.routes = routes
    }

    /// `skp-` and 8 hex digits of the node and Pod: short enough for interface names (15 bytes).
    func id(_ podKey: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(nodeName)/\(podKey)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(format: "%08x", UInt32(truncatingIfNeeded: hash ^ (hash >> 32)))
    }

    public func namespace(_ podKey: String) -> String { "skp-\(id(podKey))" }

    public func setUp(podKey: String, ip: String) async throws(KubeletError) {
        let netns = namespace(podKey), veth = "veth\(id(podKey))"
        if await holds(netns, ip) { return }
        await tearDown(podKey: podKey)
        // The address may have been another Pod's a moment ago: the node's neighbour entry for it still names
        // that Pod's MAC, and would send the node's traffic (probes, local clients) nowhere until it expires.
        _ = await IPCommand.run(["ip", "neigh", "flush", "to", ip])
        await pinBridgeAddress()
        var steps: [[String]] = [
            ["ip", "netns", "add", netns],
            ["ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns],
            ["ip", "link", "set", veth, "master", bridge, "up"],
            ["ip", "-n", netns, "link", "set", "lo", "up"],
            ["ip", "-n", netns, "addr", "add", "\(ip)/\(prefixLength)", "dev", "eth0"],
            ["ip", "-n", netns, "link", "set", "eth0", "up"],
        ]
        steps += routes.map { ["ip", "-n", netns, "route", "add", $0, "via", gateway, "dev", "eth0"] }
        for step in steps {
            let result = await IPCommand.run(step)
            guard result.status == 0 else {
                await tearDown(podKey: podKey)
                throw KubeletError(.startFailed, "pod network for \(podKey): `\(step.joined(separator: " "))` failed: \(result.output)")
            }
        }
    }

    /// A kubelet started with `ip netns exec NODE` has a mount namespace of its own, and the name `ip netns add`
    /// gives a Pod's namespace is a bind mount in it: when that kubelet dies the name is left as a plain file,
    /// and the namespace lives on only in the Pod's processes. The next kubelet names it again from one of them.
    public func reattach(podKey: String, ip: String, pid: pid_t) async -> Bool {
        let netns = namespace(podKey)
        if await holds(netns, ip) { return true }
        _ = await IPCommand.run(["ip", "netns", "del", netns])
        _ = await IPCommand.run(["ip", "netns", "attach", netns, "\(pid)"])
        return await holds(netns, ip)
    }

    /// A Linux bridge whose MAC address was never set takes the lowest of its ports' addresses, so adding or
    /// removing a Pod's veth can change it; every other Pod's neighbour entry for the gateway then names a MAC
    /// that no longer exists, and its replies go nowhere until that entry expires. Setting the address (to the
    /// one it has) stops it from following the ports, as CNI's bridge plugin does.
    private func pinBridgeAddress() async {
        let fields = await IPCommand.run(["ip", "-br", "link", "show", "dev", bridge]).output.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 3, fields[2].split(separator: ":").count == 6 else { return }
        _ = await IPCommand.run(["ip", "link", "set", "dev", bridge, "address", String(fields[2])])
    }

    /// Whether namespace `netns` can be entered and its eth0 has `ip`.
    private func holds(_ netns: String, _ ip: String) async -> Bool {
        await IPCommand.run(["ip", "netns", "exec", netns, "ip", "-4", "addr", "show", "dev", "eth0"]).output.contains("inet \(ip)/")
    }

    public func tearDown(podKey: String) async {
        _ = await IPCommand.run(["ip", "link", "del", "veth\(id(podKey))"])
        _ = await IPCommand.run(["ip", "netns", "del", namespace(podKey)])
    }

    public func execPrefix(podKey: String) -> [String] { ["ip", "netns", "exec", namespace(podKey)] }
}

/// Runs one short command (`ip ...`) and collects its exit status and output.
enum IPCommand {
    static func run(_ command: [String]) async -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-ip-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let (exits, exited) = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/sbin:/usr/bin:/sbin:/bin"]
        do {
            _ = try ChildProcess.spawn(command, environment: environment, output: file.path) { exited.yield($0) }
        } catch {
            return (127, "\(error)")
        }
        var status: Int32 = -1
        for await code in exits { status = code; break }
        let output = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return (status, output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
