import Foundation

/// A real apiserver process on an ipc:// socket in a temp dir, for benchmarks.
final class APIServerProcess: @unchecked Sendable {
    let directory: URL
    let endpoint: String
    private let binary: URL
    private let extraArguments: [String]
    private var process: Process

    private init(bin: String, extraArguments: [String]) throws {
        self.extraArguments = extraArguments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        endpoint = "ipc://\(directory.path)/api.sock"
        binary = URL(fileURLWithPath: bin).appendingPathComponent("apiserver")
        process = Process()
    }

    /// `extraArguments` go after the data dir and sockets (e.g. `--service-cidr`).
    static func start(bin: String, extraArguments: [String] = []) async throws -> APIServerProcess {
        let server = try APIServerProcess(bin: bin, extraArguments: extraArguments)
        try await server.launch()
        return server
    }

    private func launch() async throws {
        process = Process()
        process.executableURL = binary
        process.arguments = ["--data-dir", directory.appendingPathComponent("data").path, "--listen", endpoint,
                             "--watch-listen", "ipc://\(directory.path)/watch.sock", "--log-level", "warning"] + extraArguments
        process.standardError = FileHandle.standardError
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("api.sock").path) {
            guard ContinuousClock.now < deadline, process.isRunning else { throw BenchError("apiserver did not start") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Restarts the apiserver (allocators and caches rebuilt from the store) and returns its RSS.
    func restartAndMeasure() async throws -> Double {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory.appendingPathComponent("api.sock"))
        try await launch()
        return rssMiB()
    }

    func rssMiB() -> Double { Machine.rssMiB(of: process.processIdentifier) }

    var pid: Int32 { process.processIdentifier }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }
}

enum Machine {
    /// The resident set size of process `pid` in MiB (0 when it is gone).
    static func rssMiB(of pid: Int32) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kib / 1024
    }

    static func describe() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let date = Date().formatted(.iso8601.year().month().day())
        return "\(date), \(ProcessInfo.processInfo.activeProcessorCount) cores (\(cpu)), \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }
}
