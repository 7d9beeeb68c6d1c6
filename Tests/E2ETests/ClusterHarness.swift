import Foundation
import Testing

/// Starts the real executables for end-to-end tests: an apiserver on ipc:// sockets in a fresh temp dir, and
/// skiffctl runs against it. Every wait is a poll with a deadline; nothing sleeps for a fixed time.
final class ClusterHarness: @unchecked Sendable {
    let directory: URL
    let server: String
    let watch: String
    private(set) var apiserver: Process?
    private(set) var logURL: URL

    init(name: String = #function) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        server = "ipc://\(directory.path)/api.sock"
        watch = "ipc://\(directory.path)/watch.sock"
        logURL = directory.appendingPathComponent("apiserver.log")
    }

    deinit {
        if let apiserver, apiserver.isRunning { apiserver.terminate(); apiserver.waitUntilExit() }
        try? FileManager.default.removeItem(at: directory)
    }

    static var binDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["SKIFF_BIN"] { return URL(fileURLWithPath: override) }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // swift test runs .build/<triple>/debug/<package>PackageTests.xctest; the executables sit beside it.
        while !FileManager.default.fileExists(atPath: url.appendingPathComponent("apiserver").path), url.path != "/" {
            url.deleteLastPathComponent()
        }
        return url
    }

    /// Starts (or restarts) the apiserver and waits until it answers.
    func startAPIServer(extraArguments: [String] = []) async throws {
        let process = Process()
        process.executableURL = Self.binDirectory.appendingPathComponent("apiserver")
        process.arguments = [
            "--data-dir", directory.appendingPathComponent("data").path, "--listen", server, "--watch-listen", watch,
        ] + extraArguments
        if !FileManager.default.fileExists(atPath: logURL.path) { _ = FileManager.default.createFile(atPath: logURL.path, contents: nil) }
        let log = try FileHandle(forWritingTo: logURL)
        log.seekToEndOfFile()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        apiserver = process
        try await waitUntil("apiserver answers", timeout: .seconds(30)) {
            guard process.isRunning else { throw HarnessError("apiserver exited with \(process.terminationStatus):\n\(self.log)") }
            return await self.skiffctl(["get", "namespaces"]).status == 0
        }
    }

    /// Stops the apiserver with a signal and waits for it to exit; returns its exit status.
    @discardableResult
    func stopAPIServer(signal: Int32 = SIGTERM) async throws -> Int32 {
        guard let process = apiserver else { return 0 }
        kill(process.processIdentifier, signal)
        try await waitUntil("apiserver exits", timeout: .seconds(15)) { !process.isRunning }
        apiserver = nil
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    typealias Output = CommandRunner.Output

    /// Runs skiffctl against this cluster.
    @discardableResult
    func skiffctl(_ arguments: [String], stdin: String? = nil) async -> Output {
        await CommandRunner.run(Self.binDirectory.appendingPathComponent("skiffctl").path,
                                ["--server", server, "--request-timeout", "10s"] + arguments,
                                environment: ["SKIFF_CONFIG": directory.appendingPathComponent("no-config").path], stdin: stdin)
    }

    /// Writes a manifest file into the test directory and returns its path.
    func write(_ name: String, _ contents: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` until it holds or the deadline passes.
func waitUntil(_ what: String, timeout: Duration, poll: Duration = .milliseconds(50), _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: poll)
    }
    throw HarnessError("timed out after \(timeout) waiting until \(what)")
}
