import Foundation

/// The processes of the programming benchmark besides the apiserver: endpoints-controller, coredns-controller,
/// and per node a kubelet (Pods on loopback, in the node's pod CIDR) and a userspace kube-proxy with its metrics
/// endpoint.
final class ProgrammingCluster: Sendable {
    let dns: DNSServerProcess
    let controllers: [(name: String, process: ControllerProcess)]
    let nodeNames: [String]
    let proxyMetricsPorts: [Int]

    init(bin: String, server: String, directory: URL, nodes: Int, proxyArguments: [String] = []) throws {
        var controllers: [(name: String, process: ControllerProcess)] = []
        var ports: [Int] = []
        do {
            controllers.append(("endpoints-controller", try ControllerProcess.start(bin: bin, name: "endpoints-controller", server: server)))
            dns = try DNSServerProcess.coreDNS(bin: bin, server: server, directory: directory)
            for node in 1...nodes {
                let name = "node-\(node)"
                controllers.append(("kubelet \(name)", try ControllerProcess.start(bin: bin, name: "kubelet", server: server, arguments: [
                    "--node", name, "--pod-cidr", "127.81.\(node).0/24", "--root-dir", directory.appendingPathComponent(name).path,
                ])))
                // Below Linux's ephemeral range (32768-60999), where a port may be some connection's local end.
                let port = Int.random(in: 12_000...19_999)
                ports.append(port)
                controllers.append(("kube-proxy \(name)", try ControllerProcess.start(bin: bin, name: "kube-proxy", server: server, arguments: [
                    "--node", name, "--mode", "userspace", "--metrics-listen", "127.0.0.1:\(port)",
                ] + proxyArguments)))
            }
        } catch {
            for controller in controllers.reversed() { controller.process.stop() }
            throw error
        }
        self.controllers = controllers
        nodeNames = (1...nodes).map { "node-\($0)" }
        proxyMetricsPorts = ports
    }

    /// The Leases `apply --wait` reads: the DNS's and every node's proxy's.
    var leaseNames: [String] { ["coredns-controller"] + nodeNames.map { "kube-proxy-\($0)" } }

    func checkRunning() throws {
        for controller in controllers where !controller.process.isRunning { throw BenchError("\(controller.name) exited") }
        guard dns.process.isRunning else { throw BenchError("coredns-controller exited:\n\(dns.log)") }
    }

    func stop() {
        dns.stop()
        for controller in controllers.reversed() { controller.process.stop() }
    }

    /// CPU seconds used so far by each component (kubelets and kube-proxies summed), and by the bench itself.
    func cpuSeconds(server: APIServerProcess) -> [(name: String, seconds: Double)] {
        var totals: [(name: String, seconds: Double)] = [("apiserver", Self.cpuSeconds(pid: server.pid))]
        for name in ["endpoints-controller", "kube-proxy", "kubelet"] {
            let pids = controllers.filter { $0.name.hasPrefix(name) }.map(\.process.pid)
            let label = pids.count > 1 ? "\(name) ×\(pids.count)" : name
            totals.append((label, pids.reduce(0) { $0 + Self.cpuSeconds(pid: $1) }))
            if name == "endpoints-controller" { totals.append(("coredns-controller", Self.cpuSeconds(pid: dns.process.processIdentifier))) }
        }
        totals.append(("skiff-bench", processCPUSeconds()))
        return totals
    }

    /// user + system CPU seconds of `pid`, from /proc/PID/stat.
    static func cpuSeconds(pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// The histograms' `_sum` and `_count` values of the DNS and of node-1's kube-proxy, by metric line name.
    func histogramTotals() -> [String: Double] {
        var totals: [String: Double] = [:]
        for line in dns.histogramTotals() + proxyHistogramTotals(node: 1) {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            totals[String(line[..<space])] = value
        }
        return totals
    }

    /// Per histogram, the observations between two `histogramTotals()` and their mean: "name: N, mean X ms".
    static func histogramDeltas(from before: [String: Double], to after: [String: Double]) -> [String] {
        after.keys.filter { $0.contains("_count") }.sorted().map { countKey in
            let sumKey = countKey.replacingOccurrences(of: "_count", with: "_sum")
            let count = (after[countKey] ?? 0) - (before[countKey] ?? 0)
            let sum = (after[sumKey] ?? 0) - (before[sumKey] ?? 0)
            let name = countKey.replacingOccurrences(of: "_seconds_count", with: "")
            return String(format: "%@: %.0f, mean %.2f ms", name, count, count > 0 ? sum / count * 1000 : 0)
        }
    }

    /// The `_sum` and `_count` lines of node N's kube-proxy histograms (its /metrics, via curl).
    func proxyHistogramTotals(node: Int) -> [String] {
        scrapeHistogramTotals(metricsPort: proxyMetricsPorts[node - 1])
    }
}
