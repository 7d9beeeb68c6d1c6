import Foundation
import NodeProxy

/// kube-proxy's benchmarks (issue 6): the nftables proxier's full and single-Service syncs at several sizes, in a
/// network namespace of the bench's own (root only; skipped with a reason otherwise), and the userspace proxier's
/// request rate against the backend's own, in the same run.
struct ProxySuite {
    var sizes: [Int]
    var endpointsPerService = 5

    func run() async throws {
        print("## kube-proxy (issue 6)\n")
        try await nftables()
        try await userspace()
    }

    private func nftables() async throws {
        print("### nftables mode: sync time (\(endpointsPerService) endpoints per Service)\n")
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft") else {
            print("skipped: needs root and nft (the rules go into a network namespace of the bench's own)\n")
            return
        }
        print("load average before: \(loadAverage())\n")
        print("Each size twice: `nft -f` per sync (what kube-proxy runs), then libnftables in-process (`NFTLibrary`).\n")
        print("| Services | backend | first full sync s | of it rendering s | transaction MB | one Service changed p50 ms | p99 ms | max ms | one Service added ms | statements (full) |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for size in sizes {
            for library in [false, true] {
                let namespace = "skiff-bench-nft-\(getpid())"
                guard shell(["ip", "netns", "add", namespace]) == 0 else { throw BenchError("cannot create network namespace \(namespace)") }
                defer { _ = shell(["ip", "netns", "del", namespace]) }
                let backend: any NFTablesBackend
                if library {
                    guard let loaded = NFTLibrary(netns: namespace) else { print("| \(size) | libnftables | not loadable |"); continue }
                    backend = loaded
                } else {
                    // nsenter joins only the network namespace; `ip netns exec` also remounts /sys per call, a cost the
                    // real proxy (started inside its node's namespace) does not pay.
                    let nsenter = "/usr/bin/nsenter"
                    backend = FileManager.default.isExecutableFile(atPath: nsenter)
                        ? NFTCommand(command: [nsenter, "--net=/var/run/netns/\(namespace)", "/usr/sbin/nft"])
                        : NFTCommand(netns: namespace)
                }
                try await measure(size: size, backend: backend, name: library ? "libnftables" : "nft -f")
            }
        }
        print("\nload average after: \(loadAverage())\n")
    }

    /// One row: the first full sync, 41 single-endpoint changes (p50/p99/max) and one added Service.
    private func measure(size: Int, backend: any NFTablesBackend, name: String) async throws {
        let proxier = NFTablesProxier(backend: backend)
        var snapshot = Self.snapshot(services: size, endpoints: endpointsPerService)
        let clock = ContinuousClock()
        let fullUpdate = ProxyUpdate(snapshot: snapshot, changed: Set(snapshot.services.keys), full: true)
        let renderStart = clock.now
        let rendered = proxier.renderer.render(fullUpdate, programmed: NFTablesState())
        let renderTime = clock.now - renderStart
        let start = clock.now
        let full = try await proxier.sync(fullUpdate)
        let fullTime = clock.now - start
        var changes: [Duration] = []
        for round in 0..<41 {
            // One Service loses (then regains) an endpoint: its map elements are rewritten.
            let port = ServicePortName(namespace: "bench", name: "svc-\(round * 7919 % size)", port: "http")
            var list = snapshot.endpoints[port] ?? []
            if list.count == endpointsPerService { list.removeLast() } else { list.append(EndpointInfo(ip: "10.250.\(round).1", port: 8080)) }
            snapshot.endpoints[port] = list
            let began = clock.now
            _ = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [port], full: false))
            changes.append(clock.now - began)
        }
        // Kubernetes' figure (PR #126013) is for one added Service.
        let added = ServicePortName(namespace: "bench", name: "svc-added", port: "http")
        snapshot.services[added] = ServicePortInfo(clusterIPs: ["10.111.0.1"], port: 80)
        snapshot.endpoints[added] = (1...endpointsPerService).map { EndpointInfo(ip: "10.251.0.\($0)", port: 8080) }
        let addStart = clock.now
        _ = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [added], full: false))
        let addTime = clock.now - addStart
        changes.sort()
        let p99 = changes[min(changes.count - 1, Int((Double(changes.count) * 0.99).rounded(.up)) - 1)]
        print(String(format: "| %d | %@ | %.2f | %.2f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |", size, name, fullTime.seconds, renderTime.seconds,
                     Double(rendered.text.utf8.count) / 1e6, changes[changes.count / 2].milliseconds, p99.milliseconds,
                     changes.last!.milliseconds, addTime.milliseconds, full.rulesWritten))
    }

    private func userspace() async throws {
        print("### userspace mode: requests/s through the proxy vs straight to the backend (8 clients, 64-byte echo, 3 s)\n")
        print("| connections | direct req/s | through the proxy req/s | ratio |")
        print("|---|---:|---:|---:|")
        for newConnections in [false, true] {
            let result = try await ProxyUserspaceBench(newConnections: newConnections).run()
            print(String(format: "| %@ | %.0f | %.0f | %.2f |", newConnections ? "new per request" : "persistent",
                         result.direct, result.proxied, result.ratio))
        }
        print()
    }

    /// `services` ClusterIP Services in 10.96.0.0/12, each with `endpoints` ready endpoints from 10.244.0.0/14.
    static func snapshot(services: Int, endpoints: Int) -> ProxySnapshot {
        var snapshot = ProxySnapshot(nodeName: "bench-node")
        for index in 0..<services {
            let name = ServicePortName(namespace: "bench", name: "svc-\(index)", port: "http")
            snapshot.services[name] = ServicePortInfo(clusterIPs: ["10.\(96 + index >> 16).\(index >> 8 & 255).\(index & 255)"], port: 80)
            snapshot.endpoints[name] = (0..<endpoints).map { endpoint in
                let host = index * endpoints + endpoint
                return EndpointInfo(ip: "10.\(244 + host >> 16).\(host >> 8 & 255).\(host & 255)", port: 8080)
            }
        }
        return snapshot
    }

    private func shell(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
