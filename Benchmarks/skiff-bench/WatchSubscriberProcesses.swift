import Foundation
import SkiffMessaging
import Synchronization

/// Fan-out to subscribers in processes of their own, as a cluster's controllers and proxies are: each child is this
/// binary run with `--subscriber-of` (one real `Informer<Service>`), and reports on its standard output:
///
///     synced <cpu seconds>
///     done <events> <relists> <cpu seconds>     (or "timeout ...")
///
/// The parent writes as `WatchFanOutLoad` does; the run ends at the last child's `done` line.
struct WatchFanOutProcessesLoad {
    let bin: String
    let endpoint: String
    let subscribers: Int
    let creates: Int
    let inFlight: Int

    struct Result {
        var createRate: Double
        var delivered: Int
        var eventsPerSecond: Double
        var relists: Int
        /// CPU of the subscriber processes during the run, in cores.
        var subscriberCores: Double
        /// CPU of this process (the writer), in cores.
        var writerCores: Double
        var timedOut: Int
    }

    func run() async throws -> Result {
        let binary = URL(fileURLWithPath: bin).appendingPathComponent("skiff-bench").path
        let children = try (0..<subscribers).map { _ in
            try ChildProcess(binary: binary, arguments: ["--bin", bin, "--subscriber-of", endpoint, "--subscriber-expect", String(creates)])
        }
        defer { for child in children { child.stop() } }
        try await waitUntil("the subscriber processes to sync", timeout: .seconds(60), poll: .milliseconds(5)) {
            children.allSatisfy { $0.line(starting: "synced") != nil }
        }

        let writer = try Connection(endpoint: endpoint)
        defer { writer.close() }
        let cpu = processCPUSeconds()
        let start = ContinuousClock.now
        let createRate = try await CreateLoad(connection: writer, namespace: "default", prefix: "fan-", count: creates, inFlight: inFlight).run().rate
        let writerCPU = processCPUSeconds() - cpu
        try await waitUntil("the subscriber processes to finish", timeout: .seconds(120), poll: .milliseconds(5)) {
            children.allSatisfy { $0.line(starting: "done") != nil || $0.line(starting: "timeout") != nil }
        }

        var delivered = 0, relists = 0, timedOut = 0
        var childCPU = 0.0
        var end = start
        for child in children {
            guard let syncedLine = child.line(starting: "synced"),
                  let last = child.line(starting: "done") ?? child.line(starting: "timeout") else { continue }
            let fields = last.text.split(separator: " ")
            if last.text.hasPrefix("timeout") { timedOut += 1 }
            delivered += Int(fields[1]) ?? 0
            relists += Int(fields[2]) ?? 0
            childCPU += (Double(fields[3]) ?? 0) - (Double(syncedLine.text.split(separator: " ")[1]) ?? 0)
            end = max(end, last.at)
        }
        let seconds = (end - start).milliseconds / 1000
        return Result(createRate: createRate, delivered: delivered, eventsPerSecond: Double(delivered) / seconds, relists: relists,
                      subscriberCores: childCPU / seconds, writerCores: writerCPU / seconds, timedOut: timedOut)
    }

    /// The child's side: one informer, counting `fan-` Services until `expect` of them arrived.
    static func runChild(endpoint: String, expect: Int) async throws {
        let group = try await Subscribers.start(count: 1, endpoint: endpoint, prefix: "fan-", recordTimes: false)
        report("synced \(processCPUSeconds())")
        // Every 5 ms: a finer poll costs the subscriber CPU (the parent times the `done` line as it arrives).
        _ = await group.waitForDelivered(expect, timeout: .seconds(120), poll: .milliseconds(5))
        report("\(group.delivered >= expect ? "done" : "timeout") \(group.delivered) \(group.relists) \(processCPUSeconds())")
        await group.stop()
    }

    /// One line straight to the pipe (no stdio buffering to flush).
    private static func report(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// A child process whose standard output is read line by line (with arrival times) on a thread of its own.
/// (`Process` is not `Sendable`; it is only started, then stopped once.)
private final class ChildProcess: @unchecked Sendable {
    struct Line: Sendable {
        var text: String
        var at: ContinuousClock.Instant
    }

    private let process: Process
    private let lines = Mutex<[Line]>([])

    init(binary: String, arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.standardError
        try process.run()
        self.process = process
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            var pending = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return }
                let now = ContinuousClock.now
                pending.append(chunk)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let text = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex...newline)
                    self.lines.withLock { $0.append(Line(text: text, at: now)) }
                }
            }
        }
    }

    func line(starting prefix: String) -> Line? {
        lines.withLock { $0.first { $0.text.hasPrefix(prefix) } }
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
