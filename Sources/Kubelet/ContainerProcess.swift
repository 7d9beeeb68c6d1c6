import Foundation
import Synchronization

/// One container whose `command` runs as a process of the node, restarted per the Pod's restartPolicy with
/// exponential backoff (Kubernetes' CrashLoopBackOff, from 1 s doubling to 30 s here: simulated nodes restart
/// fast). Its output is appended to a log file of its own.
///
/// The running process is recorded beside the log (`<container>.pid`, see `ChildProcess.Record`) so that a
/// restarted kubelet adopts it (`adopt()`) rather than starting a second copy, as a kubelet finds its containers
/// in the container runtime after a restart.
public final class ContainerProcess: Sendable {
    public struct State: Sendable, Equatable {
        public var running = false
        public var restartCount = 0
        public var lastExitCode: Int32?
        public var startedAt: Date?
        /// Set when it will not be started again (restartPolicy, or stopped).
        public var finished = false
    }

    public let name: String
    let command: [String]
    let environment: [String: String]
    let logFile: URL
    let restartPolicy: String
    let onChange: @Sendable (State) -> Void
    private let state = Mutex(State())
    private let child = Mutex<ChildProcess?>(nil)
    private let stopping = Atomic(false)
    private let exited = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))

    /// `restartCount`: restarts counted before this kubelet (from the Pod's status).
    public init(name: String, command: [String], environment: [String: String], logFile: URL, restartPolicy: String,
                restartCount: Int = 0, onChange: @escaping @Sendable (State) -> Void) {
        state.withLock { $0.restartCount = restartCount }
        self.name = name
        self.command = command
        self.environment = environment
        self.logFile = logFile
        self.restartPolicy = restartPolicy
        self.onChange = onChange
    }

    public var current: State { state.withLock { $0 } }

    /// Starts the process; it is kept running per the restart policy until `stop`. Throws when it cannot be
    /// started at all (no such executable).
    public func start() throws(KubeletError) {
        guard !stopping.load(ordering: .acquiring) else { return }
        let process = try ChildProcess.spawn(command, environment: environment, output: logFile.path) { [self] code in
            self.exited(code: code)
        }
        child.withLock { $0 = process }
        if let record = process.record { try? record.text.write(to: recordFile, atomically: true, encoding: .utf8) }
        let snapshot = state.withLock { state -> State in
            state.running = true
            state.startedAt = Date()
            return state
        }
        onChange(snapshot)
    }

    /// Where the running process is recorded for a later kubelet.
    var recordFile: URL { Self.recordFile(for: logFile) }

    static func recordFile(for logFile: URL) -> URL { logFile.deletingPathExtension().appendingPathExtension("pid") }

    /// The process recorded for the container logging to `logFile`, if it still runs.
    static func recorded(at logFile: URL) -> ChildProcess.Record? {
        guard let text = try? String(contentsOf: recordFile(for: logFile), encoding: .utf8), let record = ChildProcess.Record(text: text),
              ChildProcess.startTime(of: record.pid) == record.startTime else { return nil }
        return record
    }

    /// Takes over the process an earlier kubelet started for this container, if it still runs; returns whether
    /// it did. Then it is watched and stopped like one started here (its exit status is unknown, see
    /// `ChildProcess.unknownExitCode`).
    public func adopt() -> Bool {
        guard !stopping.load(ordering: .acquiring), let record = Self.recorded(at: logFile),
              let process = ChildProcess.adopt(record, onExit: { [self] code in self.exited(code: code) }) else { return false }
        child.withLock { $0 = process }
        let started = (try? FileManager.default.attributesOfItem(atPath: recordFile.path)[.modificationDate]) as? Date
        let snapshot = state.withLock { state -> State in
            state.running = true
            state.startedAt = started ?? Date()
            return state
        }
        onChange(snapshot)
        return true
    }

    private func exited(code: Int32) {
        let stopping = stopping.load(ordering: .acquiring)
        let restart = !stopping && (restartPolicy == "Always" || (restartPolicy == "OnFailure" && code != 0))
        let snapshot = state.withLock { state -> State in
            state.running = false
            state.lastExitCode = code
            state.finished = !restart
            return state
        }
        child.withLock { $0 = nil }
        if !restart { try? FileManager.default.removeItem(at: recordFile) }
        exited.continuation.yield()
        onChange(snapshot)
        guard restart else { return }
        let delay = min(30.0, pow(2.0, Double(min(snapshot.restartCount, 5))))
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [self] in
            guard !self.stopping.load(ordering: .acquiring) else { return }
            state.withLock { $0.restartCount += 1 }
            try? start()
        }
    }

    /// SIGTERM, then SIGKILL after `grace`; returns once the process has exited.
    public func stop(grace: Duration) async {
        stopping.store(true, ordering: .releasing)
        guard let process = child.withLock({ $0 }) else {
            try? FileManager.default.removeItem(at: recordFile)
            return
        }
        process.signal(SIGTERM)
        let killed = Task {
            try await Task.sleep(for: grace)
            process.signal(SIGKILL)
        }
        defer { killed.cancel() }
        for await _ in exited.stream {
            if child.withLock({ $0 == nil }) { return }
        }
    }
}
