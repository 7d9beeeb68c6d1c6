import Foundation

/// A controller executable (`endpoints-controller`) running against a harness's apiserver, logging to a file in
/// the test directory.
final class ControllerProcess: @unchecked Sendable {
    let name: String
    let process: Process
    let logURL: URL

    init(name: String, process: Process, logURL: URL) {
        self.name = name
        self.process = process
        self.logURL = logURL
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }

    var isRunning: Bool { process.isRunning }
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Sends `signal` and waits for the exit; returns the exit status (0 for a graceful stop).
    @discardableResult
    func stop(signal: Int32 = SIGTERM) async throws -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, signal)
        try await waitUntil("\(name) exits", timeout: .seconds(15)) { !self.process.isRunning }
        return process.terminationStatus
    }
}

extension ClusterHarness {
    /// Starts the real `endpoints-controller` against this cluster's apiserver. It connects by itself (and keeps
    /// retrying while the apiserver is away), so there is nothing to wait for here.
    func startEndpointsController(extraArguments: [String] = []) throws -> ControllerProcess {
        try startController("endpoints-controller", arguments: ["--server", server] + extraArguments)
    }

    /// `logName` names the log file (default: the executable's name).
    func startController(_ executable: String, arguments: [String], logName: String? = nil) throws -> ControllerProcess {
        let process = Process()
        // A bare name is one of the built executables; an absolute path (e.g. /usr/bin/env ip netns exec ...) runs as is.
        process.executableURL = executable.hasPrefix("/") ? URL(fileURLWithPath: executable) : Self.binDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SKIFF_CONFIG"] = directory.appendingPathComponent("no-config").path
        process.environment = environment
        let logURL = directory.appendingPathComponent("\(logName ?? URL(fileURLWithPath: executable).lastPathComponent).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        return ControllerProcess(name: executable, process: process, logURL: logURL)
    }
}
