import Foundation

/// The real `coredns-controller` and `dig` for the DNS end-to-end tests.
extension ClusterHarness {
    static let digPath = "/usr/bin/dig"
    static var hasDig: Bool { FileManager.default.isExecutableFile(atPath: digPath) }

    /// Starts `coredns-controller` on 127.0.0.1 with a kernel-chosen port and returns it with the port it logged.
    func startDNSController(extraArguments: [String] = []) async throws -> (ControllerProcess, port: Int) {
        let controller = try startController(
            "coredns-controller", arguments: ["--server", server, "--listen", "127.0.0.1:0"] + extraArguments)
        var port: Int?
        try await waitUntil("coredns-controller logs its port", timeout: .seconds(15)) {
            guard controller.isRunning else { throw HarnessError("coredns-controller exited:\n\(controller.log)") }
            port = Self.loggedPort(controller.log)
            return port != nil
        }
        return (controller, port!)
    }

    /// The port of "listening on 127.0.0.1:PORT" in a log.
    static func loggedPort(_ log: String) -> Int? {
        guard let range = log.range(of: "listening on 127.0.0.1:") else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }

    /// Runs dig against 127.0.0.1:`port` (one try, one second) and returns its output.
    func dig(port: Int, _ arguments: [String]) async -> String {
        let output = await CommandRunner.run(Self.digPath, ["@127.0.0.1", "-p", "\(port)", "+time=1", "+tries=1"] + arguments)
        return output.stdout + output.stderr
    }

    /// The port of "metrics listening on http://127.0.0.1:PORT" in a log.
    static func loggedMetricsPort(_ log: String) -> Int? {
        guard let range = log.range(of: "metrics listening on http://127.0.0.1:") else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }

    /// GET `url` with curl (nil if curl is missing or fails).
    func curlBody(_ url: String) async -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else { return nil }
        let output = await CommandRunner.run("/usr/bin/curl", ["-sf", "--max-time", "2", url])
        return output.status == 0 ? output.stdout : nil
    }
}
