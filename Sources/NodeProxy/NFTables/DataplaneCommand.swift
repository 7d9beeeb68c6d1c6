import Foundation

/// Runs a dataplane tool (nft, ipvsadm-restore) with `input` on stdin and collects its output, without
/// blocking the caller's executor: stdin is written and stdout/stderr are drained on their own threads, so a
/// large transaction cannot deadlock against a tool that writes while it reads.
enum DataplaneCommand {
    struct Result: Sendable {
        var status: Int32
        var stdout: Data
        var stderr: String
    }

    static func run(_ argv: [String], input: Data) async throws(DataplaneError) -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw DataplaneError(code: .launchFailed, command: argv, stderr: "\(error)")
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            let group = DispatchGroup()
            let outBox = DataBox(), errBox = DataBox()
            DispatchQueue.global().async(group: group) {
                try? stdin.fileHandleForWriting.write(contentsOf: input)
                try? stdin.fileHandleForWriting.close()
            }
            DispatchQueue.global().async(group: group) { outBox.data = stdout.fileHandleForReading.readDataToEndOfFile() }
            DispatchQueue.global().async(group: group) { errBox.data = stderr.fileHandleForReading.readDataToEndOfFile() }
            group.notify(queue: .global()) {
                process.waitUntilExit()
                continuation.resume(returning: Result(
                    status: process.terminationStatus, stdout: outBox.data, stderr: String(decoding: errBox.data, as: UTF8.self)))
            }
        }
    }

    /// Written by one dispatch task, read after the group completes (the group orders the two).
    private final class DataBox: @unchecked Sendable {
        var data = Data()
    }
}

/// A dataplane tool (nft, ipvsadm-restore) that failed, with what it said.
public struct DataplaneError: Error, CustomStringConvertible, Sendable {
    public enum Code: Hashable, Sendable {
        /// The tool could not be started.
        case launchFailed
        /// The tool exited non-zero (nft applied nothing: its transactions are atomic).
        case commandFailed(status: Int32)
        /// The tool's output could not be understood.
        case badOutput
    }

    public var code: Code
    public var command: [String]
    /// The tool's stderr (nft's names the offending line of the transaction).
    public var stderr: String

    public init(code: Code, command: [String], stderr: String) {
        self.code = code
        self.command = command
        self.stderr = stderr
    }

    public var description: String {
        let what: String
        switch code {
        case .launchFailed: what = "Could not run"
        case .commandFailed(let status): what = "Exit status \(status) from"
        case .badOutput: what = "Unexpected output from"
        }
        return "\(what) `\(command.joined(separator: " "))`: \(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
    }
}

