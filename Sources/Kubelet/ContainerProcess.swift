import Foundation
import Synchronization

/// One container whose `command` runs as a process of the node, restarted per the Pod's restartPolicy with
/// exponential backoff (Kubernetes' CrashLoopBackOff, from 1 s doubling to 30 s here: simulated nodes restart
/// fast). Its output is appended to a log file of its own.
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

    public init(name: String, command: [String], environment: [String: String], logFile: URL, restartPolicy: String,
                onChange: @escaping @Sendable (State) -> Void) {
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
        let snapshot = state.withLock { state -> State in
            state.running = true
            state.startedAt = Date()
            return state
        }
        onChange(snapshot)
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
        guard let process = child.withLock({ $0 }) else { return }
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
