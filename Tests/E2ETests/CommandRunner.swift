import Foundation

/// Runs a command to completion and collects its output, on a thread of its own.
///
/// Waiting for a child process blocks a thread; on Swift's cooperative pool (two threads on a two-core machine)
/// a few such waits in parallel tests starve the in-process servers of other tests, which then time out. Every
/// end-to-end test runs its commands (skiffctl, dig, curl, ip) through here.
enum CommandRunner {
    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    stdin: String? = nil) async -> Output {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: runBlocking(executable, arguments, environment: environment, stdin: stdin)) }
            // Foundation's Process.run copies onto the stack more than a Thread's default 512 KiB holds.
            thread.stackSize = 8 << 20
            thread.start()
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
