import ArgumentParser
import Foundation
import SkiffMessaging

/// `skiff-bench`: starts a real apiserver (release build) on a fresh data dir and measures it through the real
/// request socket. Prints a Markdown table for docs/BENCHMARKS.md.
@main
struct SkiffBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "skiff-bench", abstract: "Benchmarks of the Skiff apiserver.")

    @Option(help: "Directory holding the apiserver binary.")
    var bin: String

    @Option(help: "Creates per concurrency level.")
    var creates: Int = 20_000

    @Option(help: "Services stored before measuring the apiserver's memory.")
    var memoryServices: Int = 10_000

    @Option(help: "Which benchmarks to run: apiserver, watch, endpoints, dns, proxy, programming or all.")
    var suite: BenchSuite = .all

    @OptionGroup var watch: WatchBenchOptions

    @Option(help: "Services in the endpoints-controller run (10 Pods each).")
    var endpointsServices: Int = 1_000

    @Option(help: "Pod readiness flips per second in the endpoints-controller run.")
    var endpointsRate: Int = 100

    @Option(parsing: .upToNextOption, help: "Service counts of the kube-proxy nftables run (5 endpoints each).")
    var proxyServices: [Int] = [1_000, 10_000, 30_000]

    @Option(help: "Services in the cluster before the programming-latency run.")
    var programmingPreload: Int = 10_000

    @Option(help: "Services applied (one per request) in the programming-latency run.")
    var programmingServices: Int = 1_000

    @Option(help: "Services applied per second in the programming-latency run.")
    var programmingRate: Int = 100

    @Option(help: "kube-proxy --min-sync-period in the programming-latency run (empty: its default, as make up).")
    var programmingMinSyncPeriod: String = ""

    func run() async throws {
        // Every process the suites start talks to a plaintext apiserver of the bench's own: a user's config (from
        // `make up`, with a token and a CURVE server key) must not leak into them. Children inherit this.
        setenv("SKIFF_CONFIG", "/dev/null/skiff-bench-has-no-config", 1)
        if let endpoint = watch.subscriberOf {
            try await WatchFanOutProcessesLoad.runChild(endpoint: endpoint, expect: watch.subscriberExpect)
            return
        }
        print("# Skiff apiserver benchmark — \(Machine.describe())\n")
        if suite == .all || suite == .apiserver { try await runAPIServerSuite() }
        if suite == .all || suite == .watch { try await WatchSuite(bin: bin, options: watch).run() }
        if suite == .all || suite == .endpoints { try await EndpointsSuite(bin: bin, services: endpointsServices, rate: endpointsRate).run() }
        if suite == .all || suite == .dns { try await DNSSuite(bin: bin).run() }
        if suite == .all || suite == .proxy { try await ProxySuite(sizes: proxyServices).run() }
        if suite == .all || suite == .programming {
            try await ProgrammingSuite(bin: bin, preload: programmingPreload, services: programmingServices, rate: programmingRate,
                                       proxyMinSyncPeriod: programmingMinSyncPeriod).run()
        }
    }

    private func runAPIServerSuite() async throws {
        let server = try await APIServerProcess.start(bin: bin)
        defer { server.stop() }
        let connection = try Connection(endpoint: server.endpoint)
        defer { connection.close() }

        print("## Service creates through the request socket (durable: fsync'd before the reply)\n")
        print("| in flight | creates | creates/s | p50 ms | p99 ms | max ms |")
        print("|---:|---:|---:|---:|---:|---:|")
        for inFlight in [1, 8, 64] {
            let count = inFlight == 1 ? min(creates, 3_000) : creates
            let result = try await CreateLoad(connection: connection, namespace: "default", prefix: "c\(inFlight)-", count: count, inFlight: inFlight).run()
            print(String(format: "| %d | %d | %.0f | %.2f | %.2f | %.2f |", inFlight, count, result.rate, result.p50, result.p99, result.max))
        }

        let listed = try await ListLoad(connection: connection).run()
        try await AuthBench(bin: bin, creates: min(creates, 4_000)).run()
        print(String(format: "\nList of all %d services in one request: %.1f ms (%.1f MB)", listed.count, listed.milliseconds, Double(listed.bytes) / 1e6))

        // Memory on a fresh store holding exactly `memoryServices` Services.
        let fresh = try await APIServerProcess.start(bin: bin)
        defer { fresh.stop() }
        let freshConnection = try Connection(endpoint: fresh.endpoint)
        defer { freshConnection.close() }
        let idle = fresh.rssMiB()
        _ = try await CreateLoad(connection: freshConnection, namespace: "default", prefix: "m-", count: memoryServices, inFlight: 64).run()
        let loaded = fresh.rssMiB()
        let restarted = try await fresh.restartAndMeasure()
        print("\n## apiserver memory (RSS)\n")
        print("| state | RSS MiB |")
        print("|---|---:|")
        print(String(format: "| empty store, just started | %.1f |", idle))
        print(String(format: "| after creating %d Services | %.1f |", memoryServices, loaded))
        print(String(format: "| restarted with %d Services stored | %.1f |", memoryServices, restarted))
        print()
    }
}
