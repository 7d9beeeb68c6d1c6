import Foundation

/// A DNS server process for the benchmark (coredns-controller or knotd), its log in a temp dir, its RSS readable.
final class DNSServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let logURL: URL

    private init(executable: String, arguments: [String], port: Int, logURL: URL) throws {
        self.port = port
        self.logURL = logURL
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    /// A free UDP+TCP port on 127.0.0.1 is hard to reserve; pick one from a high range not used by the cluster.
    static func port() -> Int { Int.random(in: 20_000...29_999) }

    static func coreDNS(bin: String, server: String, directory: URL) throws -> DNSServerProcess {
        let port = port()
        return try DNSServerProcess(
            executable: URL(fileURLWithPath: bin).appendingPathComponent("coredns-controller").path,
            arguments: ["--server", server, "--listen", "127.0.0.1:\(port)", "--metrics-listen", "127.0.0.1:\(port + 10_000)",
                        "--log-level", "warning"],
            port: port, logURL: directory.appendingPathComponent("coredns-controller.log"))
    }

    /// knotd serving `zoneFile` for `zone` on 127.0.0.1, configured in `directory`.
    static func knot(zone: String, zoneFile: URL, directory: URL) throws -> DNSServerProcess {
        let port = port()
        let config = """
            server:
                listen: 127.0.0.1@\(port)
                rundir: \(directory.path)
            database:
                storage: \(directory.path)
            log:
              - target: stderr
                any: warning
            zone:
              - domain: \(zone)
                file: \(zoneFile.path)
                journal-content: none
                zonefile-sync: -1

            """
        let configURL = directory.appendingPathComponent("knot.conf")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        return try DNSServerProcess(executable: "/usr/sbin/knotd", arguments: ["-c", configURL.path], port: port,
                                    logURL: directory.appendingPathComponent("knotd.log"))
    }

    /// The `_sum` and `_count` lines of the controller's histograms (its /metrics, via curl).
    func histogramTotals() -> [String] {
        scrapeHistogramTotals(metricsPort: port + 10_000)
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    func rssMiB() -> Double { Machine.rssMiB(of: process.processIdentifier) }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }
}

/// One dnsperf run against 127.0.0.1:`port` and what it reported.
struct DNSPerfResult {
    var qps = 0.0
    var averageMs = 0.0
    var lost = 0
    var sent = 0

    static func run(port: Int, queries: URL, seconds: Int, clients: Int) throws -> DNSPerfResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/dnsperf")
        process.arguments = ["-s", "127.0.0.1", "-p", "\(port)", "-d", queries.path, "-l", "\(seconds)", "-q", "200", "-t", "2", "-c", "\(clients)"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var result = DNSPerfResult()
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let value = line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            let first = value.split(separator: " ").first.map(String.init) ?? ""
            if line.hasPrefix("Queries per second:") { result.qps = Double(first) ?? 0 }
            if line.hasPrefix("Average Latency (s):") { result.averageMs = (Double(first) ?? 0) * 1000 }
            if line.hasPrefix("Queries lost:") { result.lost = Int(first) ?? 0 }
            if line.hasPrefix("Queries sent:") { result.sent = Int(first) ?? 0 }
        }
        guard result.qps > 0 else { throw BenchError("dnsperf reported nothing:\n\(text)") }
        return result
    }
}
