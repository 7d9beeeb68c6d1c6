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

    func run() async throws {
        print("# Skiff apiserver benchmark — \(Machine.describe())\n")
        let server = try await APIServerProcess.start(bin: bin)
        defer { server.stop() }
        let connection = try Connection(endpoint: server.endpoint)
        defer { connection.close() }

        print("## Service creates through the request socket (durable: fsync'd before the reply)\n")
        print("| in flight | creates | creates/s | p50 ms | p99 ms | max ms |")
        print("|---:|---:|---:|---:|---:|---:|")
        var created = 0
        for inFlight in [1, 8, 64] {
            let count = inFlight == 1 ? min(creates, 3_000) : creates
            let result = try await CreateLoad(connection: connection, namespace: "default", prefix: "c\(inFlight)-", count: count, inFlight: inFlight).run()
            created += count
            print(String(format: "| %d | %d | %.0f | %.2f | %.2f | %.2f |", inFlight, count, result.rate, result.p50, result.p99, result.max))
        }

        print("\n## apiserver memory\n")
        print("| services stored | RSS MiB |")
        print("|---:|---:|")
        let before = try await server.restartAndMeasure()
        print(String(format: "| %d (after restart) | %.1f |", created, before))
        if created < memoryServices {
            _ = try await CreateLoad(connection: connection, namespace: "default", prefix: "m-", count: memoryServices - created, inFlight: 64).run()
        }
        print(String(format: "| %d | %.1f |", max(created, memoryServices), server.rssMiB()))
        let listed = try await ListLoad(connection: connection).run()
        print(String(format: "\nList of all %d services: %.1f ms (%d bytes)", listed.count, listed.milliseconds, listed.bytes))
    }
}
