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
        print("| Services | first full sync s | one Service changed, median ms | max ms | statements (full) |")
        print("|---:|---:|---:|---:|---:|")
        for size in sizes {
            let namespace = "skiff-bench-nft-\(getpid())"
            guard shell(["ip", "netns", "add", namespace]) == 0 else { throw BenchError("cannot create network namespace \(namespace)") }
            defer { _ = shell(["ip", "netns", "del", namespace]) }
            let proxier = NFTablesProxier(backend: NFTCommand(netns: namespace))
            var snapshot = Self.snapshot(services: size, endpoints: endpointsPerService)
            let clock = ContinuousClock()
            let start = clock.now
            let full = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: Set(snapshot.services.keys), full: true))
            let fullTime = clock.now - start
            var changes: [Duration] = []
            for round in 0..<7 {
                // One Service loses (then regains) an endpoint: its chain and map entries are rewritten.
                let port = ServicePortName(namespace: "bench", name: "svc-\(round * 7919 % size)", port: "http")
                var list = snapshot.endpoints[port] ?? []
                if round % 2 == 0 { list.removeLast() } else { list.append(EndpointInfo(ip: "10.250.\(round).1", port: 8080)) }
                snapshot.endpoints[port] = list
                let began = clock.now
                _ = try await proxier.sync(ProxyUpdate(snapshot: snapshot, changed: [port], full: false))
                changes.append(clock.now - began)
            }
            changes.sort()
            print(String(format: "| %d | %.2f | %.1f | %.1f | %d |", size, fullTime.seconds, changes[changes.count / 2].milliseconds,
                         changes.last!.milliseconds, full.rulesWritten))
        }
        print()
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

    /// `services` ClusterIP Services in 10.96.0.0/12, each with `endpoints` ready endpoints in 10.244.0.0/16.
    static func snapshot(services: Int, endpoints: Int) -> ProxySnapshot {
        var snapshot = ProxySnapshot(nodeName: "bench-node")
        for index in 0..<services {
            let name = ServicePortName(namespace: "bench", name: "svc-\(index)", port: "http")
            snapshot.services[name] = ServicePortInfo(clusterIPs: ["10.\(96 + index >> 16).\(index >> 8 & 255).\(index & 255)"], port: 80)
            snapshot.endpoints[name] = (0..<endpoints).map { endpoint in
                let host = index * endpoints + endpoint
                return EndpointInfo(ip: "10.244.\(host >> 8 & 255).\(host & 255)", port: 8080)
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
