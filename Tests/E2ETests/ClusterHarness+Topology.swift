import Foundation
import Synchronization

/// The namespace topology of scripts/netns-topology.sh (`make up TOPOLOGY=netns`), with names of this run's own so
/// that it never meets another test's or `make up`'s: a "lan" namespace with a bridge (cluster DNS listens there)
/// and one namespace per node, joined to the lan by a veth, holding a bridge `cbr0` for its Pods, routes to every
/// other node's Pods and the service range, and IPv4 forwarding. The kubelets make the Pods' own namespaces
/// (skp-*). Nothing routes out of any of them; addresses are the script's, which only exist inside them.
///
/// `deinit` kills every process left in this run's namespaces (the node ones and Pod namespaces whose processes
/// belong to this run's nodes: a SIGKILLed kubelet leaves its Pods' processes running) and deletes them, pass or
/// fail. A run that crashed before that is cleaned up by the next one (`removeStale`).
final class ClusterTopology: @unchecked Sendable {
    static let lanIP = "10.244.255.254"
    static let dnsPort = 53
    /// Names of this test's namespaces and nodes start with this, then the test process's pid.
    static let prefix = "skc"

    /// This run's prefix: `skc<pid>-<random>`; node N is `<tag>-n<N>` (namespace and Node name alike).
    let tag: String
    let lan: String
    let nodes: [String]
    private var created: [String] = []
    private let podKeys = Mutex<Set<String>>([])

    /// Why the topology cannot be built here, or nil.
    static var unavailableReason: String? {
        if getuid() != 0 { return "needs root (creates network namespaces)" }
        for tool in ["/usr/sbin/ip", "/usr/sbin/nft", "/usr/bin/curl", "/usr/bin/dig"] where !FileManager.default.isExecutableFile(atPath: tool) {
            return "\(tool) is not installed"
        }
        return nil
    }

    init(nodes count: Int) throws {
        Self.removeStale()
        let tag = "\(Self.prefix)\(getpid())-\(Int.random(in: 100..<1000))"
        self.tag = tag
        lan = "\(tag)-lan"
        nodes = (1...count).map { "\(tag)-n\($0)" }
        try add(lan)
        try run(["ip", "-n", lan, "link", "add", "lan0", "type", "bridge"])
        try run(["ip", "-n", lan, "addr", "add", "\(Self.lanIP)/24", "dev", "lan0"])
        try run(["ip", "-n", lan, "link", "set", "lan0", "up"])
        for (index, node) in nodes.enumerated() {
            let n = index + 1
            try add(node)
            try run(["ip", "-n", lan, "link", "add", "lan-n\(n)", "type", "veth", "peer", "name", "eth0", "netns", node])
            try run(["ip", "-n", lan, "link", "set", "lan-n\(n)", "master", "lan0", "up"])
            try run(["ip", "-n", node, "addr", "add", "\(nodeIP(n))/24", "dev", "eth0"])
            try run(["ip", "-n", node, "link", "set", "eth0", "up"])
            try run(["ip", "-n", node, "link", "add", "cbr0", "type", "bridge"])
            try run(["ip", "-n", node, "addr", "add", "10.244.\(n).1/24", "dev", "cbr0"])
            try run(["ip", "-n", node, "link", "set", "cbr0", "up"])
            try run(["ip", "-n", node, "route", "add", "10.96.0.0/12", "dev", "eth0"])
            try run(["ip", "netns", "exec", node, "sysctl", "-qw", "net.ipv4.ip_forward=1"])
        }
        for n in 1...count {
            for m in 1...count where m != n {
                try run(["ip", "-n", nodes[n - 1], "route", "replace", "10.244.\(m).0/24", "via", nodeIP(m), "dev", "eth0"])
            }
        }
    }

    deinit {
        let pods = podKeys.withLock { $0 }
        Self.remove(namespaces: created + nodes.flatMap { node in pods.map { Self.podNamespace(node: node, podKey: $0) } }, nodePrefix: tag)
    }

    /// Notes a Pod ("namespace/name") whose namespace on any node `deinit` removes if a kubelet left it.
    func track(pod key: String) { podKeys.withLock { _ = $0.insert(key) } }

    /// The name the kubelet gives a Pod's network namespace (NamespacePodNetwork.namespace: FNV-1a of
    /// "node/namespace/name", folded to 32 bits).
    static func podNamespace(node: String, podKey: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(node)/\(podKey)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "skp-" + String(format: "%08x", UInt32(truncatingIfNeeded: hash ^ (hash >> 32)))
    }

    /// This run's Pod namespaces that exist now.
    func podNamespaces() -> Set<String> {
        let pods = podKeys.withLock { $0 }
        let wanted = Set(nodes.flatMap { node in pods.map { Self.podNamespace(node: node, podKey: $0) } })
        return Set(Shell.lines(["ip", "netns", "list"]).map { String($0.split(separator: " ")[0]) }).intersection(wanted)
    }

    func nodeIP(_ n: Int) -> String { "10.244.255.\(n)" }
    func podCIDR(_ n: Int) -> String { "10.244.\(n).0/24" }

    /// `command` run inside namespace `namespace`.
    func exec(_ namespace: String, _ command: [String]) async -> CommandRunner.Output {
        await CommandRunner.run("/usr/sbin/ip", ["netns", "exec", namespace] + command)
    }

    /// GET `url` from inside node namespace `node`: curl's exit status (7: refused, 28: timed out) and the body.
    func curl(from node: String, _ url: String, timeout: Int = 2) async -> (status: Int32, body: String) {
        let result = await exec(node, ["/usr/bin/curl", "-sS", "--max-time", "\(timeout)", url])
        return (result.status, (result.status == 0 ? result.stdout : result.stderr).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The A records of `name` from the cluster DNS, asked from inside `node` (`tries` tries of one second each);
    /// nil when it did not answer NOERROR.
    func dig(from node: String, _ name: String, tries: Int = 1) async -> [String]? {
        Self.records(await digOutput(from: node, name, tries: tries))
    }

    /// dig's own output, for a report.
    func digOutput(from node: String, _ name: String, tries: Int = 1) async -> CommandRunner.Output {
        await exec(node, ["/usr/bin/dig", "@\(Self.lanIP)", "-p", "\(Self.dnsPort)", "+time=1", "+tries=\(tries)", "+noall",
                          "+answer", "+comments", name, "A"])
    }

    /// The A records of a dig answer; nil unless it answered NOERROR.
    static func records(_ result: CommandRunner.Output) -> [String]? {
        guard result.status == 0, result.stdout.contains("status: NOERROR") else { return nil }
        return result.stdout.split(separator: "\n").filter { !$0.hasPrefix(";") }.compactMap { line in
            let fields = line.split(whereSeparator: \.isWhitespace)
            return fields.count >= 5 && fields[3] == "A" ? String(fields[4]) : nil
        }
    }

    /// The processes of this run's Pods: pid -> (node, Pod name), from the environment every container gets.
    func podProcesses() -> [pid_t: (node: String, pod: String)] {
        Self.podProcesses(nodePrefix: tag)
    }

    private func add(_ namespace: String) throws {
        try run(["ip", "netns", "add", namespace])
        created.append(namespace)
        try run(["ip", "-n", namespace, "link", "set", "lo", "up"])
        // A resolver of its own: nothing started in here may ask the host's DNS.
        try FileManager.default.createDirectory(atPath: "/etc/netns/\(namespace)", withIntermediateDirectories: true)
        try "nameserver \(Self.lanIP)\n".write(toFile: "/etc/netns/\(namespace)/resolv.conf", atomically: true, encoding: .utf8)
    }

    private func run(_ command: [String]) throws {
        let result = Shell.run(command)
        guard result.status == 0 else { throw HarnessError("\(command.joined(separator: " ")) failed: \(result.output)") }
    }

    // MARK: - Cleanup

    static func podProcesses(nodePrefix: String) -> [pid_t: (node: String, pod: String)] {
        var found: [pid_t: (node: String, pod: String)] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry), let data = FileManager.default.contents(atPath: "/proc/\(entry)/environ") else { continue }
            var environment: [Substring: Substring] = [:]
            for variable in data.split(separator: 0) {
                let text = Substring(decoding: variable, as: UTF8.self)
                if let equals = text.firstIndex(of: "=") { environment[text[..<equals]] = text[text.index(after: equals)...] }
            }
            if let node = environment["NODE_NAME"], node.hasPrefix(nodePrefix), let pod = environment["POD_NAME"] {
                found[pid] = (String(node), String(pod))
            }
        }
        return found
    }

    /// Kills what runs in `namespaces` and in Pod namespaces of nodes named `nodePrefix...`, then deletes them.
    static func remove(namespaces: [String], nodePrefix: String) {
        var doomed = namespaces
        for pid in podProcesses(nodePrefix: nodePrefix).keys {
            if let name = Shell.run(["ip", "netns", "identify", "\(pid)"]).output.split(separator: "\n").first { doomed.append(String(name)) }
            kill(pid, SIGKILL)
        }
        let existing = Set(Shell.lines(["ip", "netns", "list"]).map { String($0.split(separator: " ")[0]) })
        for namespace in Set(doomed).intersection(existing) {
            for pid in Shell.lines(["ip", "netns", "pids", namespace]) { if let pid = pid_t(pid) { kill(pid, SIGKILL) } }
            _ = Shell.run(["ip", "netns", "del", namespace])
            try? FileManager.default.removeItem(atPath: "/etc/netns/\(namespace)")
        }
    }

    /// Namespaces of an earlier run whose test process is gone (it crashed before its deinit).
    static func removeStale() {
        for name in Shell.lines(["ip", "netns", "list"]).map({ String($0.split(separator: " ")[0]) }) where name.hasPrefix(prefix) {
            let owner = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = pid_t(owner), kill(pid, 0) != 0 else { continue }
            remove(namespaces: [name], nodePrefix: "\(prefix)\(owner)-")
        }
    }
}
