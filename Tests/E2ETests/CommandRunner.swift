import Foundation
import Subprocess
#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs a command to completion and collects its output, with swift-subprocess.
///
/// Waiting for a child process with Foundation's `Process` blocks a thread; on Swift's cooperative pool (two
/// threads on a two-core machine) a few such waits in parallel tests starve the in-process servers of other
/// tests, which then time out; and Foundation's `Process.run` crashed when many tests launched at once. Every
/// end-to-end test runs its commands (skiffctl, dig, curl, ip) through here.
enum CommandRunner {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    stdin: String? = nil) async -> Output {
        var overrides: [Environment.Key: String?] = [:]
        for (key, value) in environment { if let key = Environment.Key(rawValue: key) { overrides[key] = value } }
        let program: Executable = executable.hasPrefix("/") ? .path(FilePath(executable)) : .name(executable)
        do {
            let result = try await Subprocess.run(
                program, arguments: Arguments(arguments), environment: .inherit.updating(overrides),
                input: .string(stdin ?? ""), output: .string(limit: 64 << 20), error: .string(limit: 64 << 20))
            let status: Int32 = switch result.terminationStatus {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
            return Output(status: status, stdout: result.standardOutput ?? "", stderr: result.standardError ?? "")
        } catch {
            return Output(status: -1, stdout: "", stderr: "\(error)")
        }
    }

    /// The same, blocking the calling thread: only for synchronous contexts (deinit, setup of namespaces).
    static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                            stdin: String? = nil) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
        process.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        do { try process.run() } catch { return Output(status: -1, stdout: "", stderr: "\(error)") }
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // stderr is drained on another thread so that a child filling one pipe never blocks on it.
        let errors = ErrorDrain(err.fileHandleForReading)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: errors.wait())
    }

    /// Reads a pipe to its end on a thread of its own.
    private final class ErrorDrain: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }.start()
        }

        func wait() -> String {
            done.wait()
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// Short setup commands (`ip netns add ...`) for the namespace tests, synchronously: status and output together.
enum Shell {
    static func run(_ command: [String]) -> (status: Int32, output: String) {
        let result = CommandRunner.runBlocking(command[0], Array(command.dropFirst()))
        return (result.status, (result.stdout + result.stderr).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func lines(_ command: [String]) -> [String] {
        run(command).output.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
    }
}
