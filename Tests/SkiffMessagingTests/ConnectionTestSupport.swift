import Foundation
import SkiffMessaging
import Synchronization
import Testing

/// Waits until `condition` holds, checking every 5 ms, or fails the test after `timeout`.
func waitUntil(_ what: String, timeout: Duration = .seconds(10), _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !(await condition()) {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out after \(timeout) waiting until \(what)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(5))
    }
}

/// A gate handlers wait at until the test opens it.
final class Gate: Sendable {
    private let state = Mutex<(isOpen: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Counts handler activity: how many started, how many run now, the most that ran at once.
final class Activity: Sendable {
    private let state = Mutex<(started: Int, running: Int, maxRunning: Int, names: [String])>((0, 0, 0, []))

    var started: Int { state.withLock { $0.started } }
    var maxRunning: Int { state.withLock { $0.maxRunning } }
    var names: [String] { state.withLock { $0.names } }

    func begin(_ name: String) {
        state.withLock {
            $0.started += 1
            $0.running += 1
            $0.maxRunning = max($0.maxRunning, $0.running)
            $0.names.append(name)
        }
    }

    func end() { state.withLock { $0.running -= 1 } }
}

/// A flag a task sets when it finishes.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
}

/// A running `RequestServer` whose `run()` is awaited by `stop()`.
struct RunningServer {
    let server: RequestServer
    let task: Task<Void, any Error>
    let runReturned: Flag

    var endpoint: String { server.boundEndpoint }

    init(endpoint: String = "tcp://127.0.0.1:0", options: RequestServerOptions = .init(),
         handler: @escaping RequestServer.Handler) throws {
        let server = try RequestServer(endpoint: endpoint, options: options, handler: handler)
        let runReturned = Flag()
        self.server = server
        self.runReturned = runReturned
        task = Task {
            defer { runReturned.set() }
            try await server.run()
        }
    }

    func stop() async throws {
        server.shutdown()
        try await task.value
    }
}

/// A server that answers every request with its name as the body, echoing the request body after a colon.
func echoServer(endpoint: String = "tcp://127.0.0.1:0") throws -> RunningServer {
    try RunningServer(endpoint: endpoint) { request in
        Response(code: 200, body: Data("\(request.name):".utf8) + request.body)
    }
}

func get(_ name: String, body: String = "") -> Request {
    Request(verb: .get, resource: "services", namespace: "default", name: name, body: Data(body.utf8))
}

func text(_ data: Data) -> String { String(decoding: data, as: UTF8.self) }

/// A fresh directory for ipc:// socket files; short, because Unix socket paths are limited to 107 bytes.
func temporaryDirectory() throws -> URL {
    let url = URL(fileURLWithPath: "/tmp/skiff-msg-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// The error of a call expected to fail.
func callError(_ connection: Connection, _ request: Request, timeout: Duration? = nil) async -> MessagingError? {
    do {
        let response = try await connection.call(request, timeout: timeout)
        Issue.record("expected an error, got \(response.code) \(text(response.body))")
        return nil
    } catch {
        return error
    }
}
