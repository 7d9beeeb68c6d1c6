import Foundation
import Kubelet
import Testing

/// Containers as processes across kubelet restarts: they get none of the kubelet's descriptors, and a later
/// kubelet adopts the one recorded for a container instead of starting a second copy.
struct ChildProcessTests {
    @Test func childGetsNoDescriptorOfTheKubelet() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Opened as most descriptors of a Swift process are: without O_CLOEXEC.
        let held = open(directory.appendingPathComponent("held").path, O_CREAT | O_WRONLY, 0o644)
        try #require(held > 2)
        defer { close(held) }
        let output = directory.appendingPathComponent("fds").path
        let (exits, exited) = AsyncStream.makeStream(of: Int32.self)
        _ = try ChildProcess.spawn(["sh", "-c", "ls /proc/$$/fd"], environment: ["PATH": "/usr/bin:/bin"], output: output) { exited.yield($0) }
        for await status in exits { #expect(status == 0); break }
        let descriptors = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(descriptors.contains(1))
        #expect(!descriptors.contains(held), "the child holds the parent's descriptor \(held): \(descriptors)")
    }

    @Test func adoptsARecordedProcessAndSeesItsEnd() async throws {
        let (exits, exited) = AsyncStream.makeStream(of: Int32.self)
        let child = try ChildProcess.spawn(["sleep", "30"], environment: ["PATH": "/usr/bin:/bin"], output: nil) { _ in }
        let record = try #require(child.record)
        var stale = record
        stale.startTime += 1
        #expect(ChildProcess.adopt(stale) { _ in } == nil, "a record of another process with the same pid is not adopted")
        let adopted = try #require(ChildProcess.adopt(record) { exited.yield($0) })
        #expect(adopted.pid == child.pid)
        #expect(ChildProcess.Record(text: record.text) == record)
        adopted.signal(SIGKILL)
        for await status in exits { #expect(status == ChildProcess.unknownExitCode); break }
        #expect(child.record == nil)
    }

    @Test func restartedKubeletAdoptsTheContainerInsteadOfStartingAnother() async throws {
        let directory = try Self.directory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("server.log")
        // "Never": the first kubelet is gone, so nothing of it may start the container again.
        let first = ContainerProcess(name: "server", command: ["sleep", "30"], environment: ["PATH": "/usr/bin:/bin"], logFile: log,
                                     restartPolicy: "Never", onChange: { _ in })
        try first.start()
        let record = try String(contentsOf: directory.appendingPathComponent("server.pid"), encoding: .utf8)

        // What a kubelet started after the first one died does for the same container.
        let second = ContainerProcess(name: "server", command: ["sleep", "30"], environment: ["PATH": "/usr/bin:/bin"], logFile: log,
                                      restartPolicy: "Always", restartCount: 2, onChange: { _ in })
        #expect(second.adopt())
        #expect(second.current.running && second.current.restartCount == 2)
        let pid = try #require(ChildProcess.Record(text: record)).pid
        await second.stop(grace: .seconds(5))
        #expect(kill(pid, 0) != 0 || Self.isZombie(pid), "the adopted process was stopped")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("server.pid").path))
        #expect(!second.adopt(), "nothing left to adopt")
    }

    static func directory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("skiff-child-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func isZombie(_ pid: pid_t) -> Bool {
        ((try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? "").split(separator: ")").last?.hasPrefix(" Z") ?? true
    }
}
