import Foundation
import Synchronization

/// A skiffctl that keeps running (`get -w`): its stdout is read line by line as it comes.
final class StreamingSkiffctl: Sendable {
    private struct Output {
        var lines: [String] = []
        var partial = Data()
        var stderr = Data()
    }

    /// The pipes' handlers write here from their own threads.
    private final class Buffer: Sendable {
        let output = Mutex(Output())
        func withLock<T>(_ body: (inout Output) -> T) -> T { output.withLock { body(&$0) } }
    }

    let process: Process
    private let output = Buffer()

    init(executable: URL, arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        self.process = process
        let output = output
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.withLock { output in
                output.partial.append(data)
                while let newline = output.partial.firstIndex(of: UInt8(ascii: "\n")) {
                    output.lines.append(String(decoding: output.partial[output.partial.startIndex..<newline], as: UTF8.self))
                    output.partial = Data(output.partial[(newline + 1)...])
                }
            }
            if data.isEmpty { handle.readabilityHandler = nil }
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.withLock { $0.stderr.append(data) }
            if data.isEmpty { handle.readabilityHandler = nil }
        }
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// The complete lines printed so far.
    var lines: [String] { output.withLock { $0.lines } }
    var stderr: String { output.withLock { String(decoding: $0.stderr, as: UTF8.self) } }

    /// Waits until a line equal to `line` has been printed; fails early if the process exits.
    func waitForLine(_ line: String, timeout: Duration = .seconds(20)) async throws {
        try await waitUntil("skiffctl prints \(line)", timeout: timeout) {
            if self.lines.contains(line) { return true }
            guard self.process.isRunning else {
                throw HarnessError("skiffctl exited (\(self.process.terminationStatus)) before printing \(line); stdout: \(self.lines), stderr: \(self.stderr)")
            }
            return false
        }
    }

    /// Sends `signal` and waits for the exit; returns the exit status.
    func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(15)) async throws -> Int32 {
        kill(process.processIdentifier, signal)
        try await waitUntil("skiffctl exits", timeout: timeout) { !self.process.isRunning }
        return process.terminationStatus
    }
}

extension ClusterHarness {
    /// Starts skiffctl against this cluster without waiting for it to end.
    func streamSkiffctl(_ arguments: [String]) throws -> StreamingSkiffctl {
        var environment = ProcessInfo.processInfo.environment
        environment["SKIFF_CONFIG"] = directory.appendingPathComponent("no-config").path
        return try StreamingSkiffctl(
            executable: Self.binDirectory.appendingPathComponent("skiffctl"),
            arguments: ["--server", server, "--request-timeout", "10s"] + arguments, environment: environment)
    }
}
