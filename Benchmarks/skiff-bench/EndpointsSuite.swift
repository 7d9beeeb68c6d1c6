import Foundation
import SkiffAPI
import SkiffMessaging
import Synchronization

/// The endpoints-controller benchmark of issue 4: a release apiserver and endpoints-controller, `services` Services
/// of `podsPerService` ready Pods each, then a churn of Pod readiness flips at `rate` per second. Measures, per flip,
/// the time from the update-status reply (the flip is committed) to a watcher in this process seeing the
/// EndpointSlice with the new condition (the slice's commit lies before that), and the slice and Endpoints writes
/// per flip.
struct EndpointsSuite {
    let bin: String
    var services = 1_000
    var podsPerService = 10
    var rate = 100
    var seconds = 10

    func run() async throws {
        print("## endpoints-controller (issue 4): \(services) Services × \(podsPerService) Pods, \(rate) readiness flips/s for \(seconds) s\n")
        let server = try await APIServerProcess.start(bin: bin)
        defer { server.stop() }
        let controller = try ControllerProcess.start(bin: bin, name: "endpoints-controller", server: server.endpoint)
        defer { controller.stop() }
        let connection = try Connection(endpoint: server.endpoint)
        defer { connection.close() }

        let setupStart = ContinuousClock.now
        try await populate(connection)
        let watcher = try SliceWatcher(connection: connection)
        defer { watcher.stop() }
        try await watcher.waitForReady(services * podsPerService, timeout: .seconds(300))
        let setup = ContinuousClock.now - setupStart
        print(String(format: "Setup (create, mark ready, controller converged): %.1f s\n", setup.seconds))

        let before = watcher.writes
        let flips = try await churn(connection, watcher: watcher)
        try await watcher.waitForPending(timeout: .seconds(30))
        let after = watcher.writes
        let latencies = watcher.latencies.sorted()
        guard !latencies.isEmpty else { throw BenchError("no readiness flip was observed") }
        print("| flips | seen | reply → slice seen p50 ms | p99 ms | max ms | slice writes per flip | Endpoints writes per flip |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        print(String(format: "| %d | %d | %.2f | %.2f | %.2f | %.2f | %.2f |", flips, latencies.count,
                     percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.last ?? 0,
                     Double(after.slices - before.slices) / Double(flips), Double(after.endpoints - before.endpoints) / Double(flips)))
        print()
    }

    private func podName(_ service: Int, _ pod: Int) -> String { "svc-\(service)-\(pod)" }

    /// Pod IPs 127.244.X.Y, unique per Pod.
    private func podIP(_ index: Int) -> String { "127.244.\(index / 250).\(index % 250 + 1)" }

    private func populate(_ connection: Connection) async throws {
        var items: [String] = []
        for service in 0..<services {
            items.append(#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"svc-\#(service)","namespace":"default"},"spec":{"selector":{"app":"svc-\#(service)"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}"#)
            for pod in 0..<podsPerService {
                items.append(#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(podName(service, pod))","namespace":"default","labels":{"app":"svc-\#(service)"}},"spec":{"containers":[{"name":"c","ports":[{"name":"http","containerPort":8080}]}]}}"#)
            }
        }
        for start in stride(from: 0, to: items.count, by: 500) {
            let body = #"{"apiVersion":"v1","kind":"List","items":["# + items[start..<min(start + 500, items.count)].joined(separator: ",") + "]}"
            let response = try await connection.call(Request(verb: .apply, resource: "", namespace: "default", body: Data(body.utf8)), timeout: .seconds(60))
            guard response.code == 200 else { throw BenchError("apply: \(response.code) \(String(decoding: response.body, as: UTF8.self).prefix(300))") }
        }
        let next = Counter()
        let total = services * podsPerService
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    while true {
                        let index = next.take()
                        guard index < total else { return }
                        _ = try await setReady(connection, index: index, ready: true)
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    private func setReady(_ connection: Connection, index: Int, ready: Bool) async throws -> ContinuousClock.Instant {
        let name = podName(index / podsPerService, index % podsPerService)
        let body = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","namespace":"default"},"status":{"phase":"Running","podIP":"\#(podIP(index))","conditions":[{"type":"Ready","status":"\#(ready ? "True" : "False")"}]}}"#
        let response = try await connection.call(Request(verb: .updateStatus, resource: "pods", namespace: "default", name: name, body: Data(body.utf8)), timeout: .seconds(30))
        guard response.code == 200 else { throw BenchError("update-status \(name): \(response.code)") }
        return ContinuousClock.now
    }

    /// Flips the readiness of random Pods at `rate` per second; returns how many were flipped. Pods are taken in
    /// a random order; when there are fewer Pods than flips (50 Services at 100/s for 10 s), the order starts over
    /// and each round flips the other way (not ready, then ready again), so every flip is a real change. (It used
    /// to index past the end of the order and trap, leaving the apiserver and controller running: the "hang".)
    private func churn(_ connection: Connection, watcher: SliceWatcher) async throws -> Int {
        let total = rate * seconds
        var order = Array(0..<(services * podsPerService))
        order.shuffle()
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for step in 0..<total {
                try await Task.sleep(until: start + .milliseconds(step * 1000 / rate), clock: .continuous)
                let index = order[step % order.count]
                let ready = (step / order.count) % 2 == 1
                let ip = podIP(index)
                group.addTask {
                    watcher.expect(ip: ip, ready: ready)
                    let replied = try await setReady(connection, index: index, ready: ready)
                    watcher.committed(ip: ip, at: replied)
                }
            }
            try await group.waitForAll()
        }
        return total
    }
}

/// Watches EndpointSlices and Endpoints with real informers: counts writes, and times expected condition changes.
final class SliceWatcher: Sendable {
    private struct Pending { var ready: Bool; var committed: ContinuousClock.Instant?; var seen: ContinuousClock.Instant? }
    private struct State {
        var pending: [String: Pending] = [:]
        var latencies: [Double] = []
        var readyEndpoints: [String: Int] = [:]
        var sliceWrites = 0
        var endpointsWrites = 0
    }

    /// The shared state, in a class so the informers' handlers can hold it.
    private final class Box: Sendable { let state = Mutex(State()) }

    private let box = Box()
    private let slices: Informer<EndpointSlice>
    private let endpoints: Informer<Endpoints>
    private let tasks: [Task<Void, Never>]

    init(connection: Connection) throws {
        slices = try Informer<EndpointSlice>(connection: connection, namespace: "default")
        endpoints = try Informer<Endpoints>(connection: connection, namespace: "default")
        let box = self.box
        slices.addHandlers(
            onAdd: { slice in SliceWatcher.observe(slice, box: box, counts: false) },
            onUpdate: { _, slice in SliceWatcher.observe(slice, box: box, counts: true) },
            onDelete: { slice in box.state.withLock { $0.readyEndpoints[slice.name] = nil } })
        endpoints.addHandlers(onUpdate: { _, _ in box.state.withLock { $0.endpointsWrites += 1 } })
        let (slices, endpoints) = (slices, endpoints)
        tasks = [Task { try? await slices.run() }, Task { try? await endpoints.run() }]
    }

    private static func observe(_ slice: EndpointSlice, box: Box, counts: Bool) {
        let now = ContinuousClock.now
        box.state.withLock { state in
            if counts { state.sliceWrites += 1 }
            state.readyEndpoints[slice.name] = slice.endpoints.filter { $0.conditions?.ready ?? true }.count
            for endpoint in slice.endpoints {
                for ip in endpoint.addresses {
                    guard var pending = state.pending[ip], (endpoint.conditions?.ready ?? true) == pending.ready, pending.seen == nil else { continue }
                    pending.seen = now
                    state.pending[ip] = pending
                    SliceWatcher.settle(ip, in: &state)
                }
            }
        }
    }

    /// Records the latency once both the commit (reply) and the sighting are known; a sighting can come first.
    private static func settle(_ ip: String, in state: inout State) {
        guard let pending = state.pending[ip], let committed = pending.committed, let seen = pending.seen else { return }
        state.latencies.append(max(0, (seen - committed).milliseconds))
        state.pending[ip] = nil
    }

    func expect(ip: String, ready: Bool) { box.state.withLock { $0.pending[ip] = Pending(ready: ready) } }

    func committed(ip: String, at instant: ContinuousClock.Instant) {
        box.state.withLock { state in
            state.pending[ip]?.committed = instant
            SliceWatcher.settle(ip, in: &state)
        }
    }

    var latencies: [Double] { box.state.withLock { $0.latencies } }
    var writes: (slices: Int, endpoints: Int) { box.state.withLock { ($0.sliceWrites, $0.endpointsWrites) } }

    func waitForReady(_ total: Int, timeout: Duration) async throws {
        _ = await slices.waitForSync()
        let deadline = ContinuousClock.now + timeout
        while box.state.withLock({ $0.readyEndpoints.values.reduce(0, +) }) < total {
            guard ContinuousClock.now < deadline else { throw BenchError("the controller did not publish \(total) ready endpoints in time") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func waitForPending(timeout: Duration) async throws {
        let deadline = ContinuousClock.now + timeout
        while box.state.withLock({ !$0.pending.isEmpty }) {
            guard ContinuousClock.now < deadline else { throw BenchError("\(box.state.withLock { $0.pending.count }) readiness flips never reached a slice") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func stop() { for task in tasks { task.cancel() } }
}

/// A controller executable from the bench's bin directory, pointed at the apiserver.
final class ControllerProcess: @unchecked Sendable {
    private let process = Process()

    static func start(bin: String, name: String, server: String, arguments: [String] = []) throws -> ControllerProcess {
        let controller = ControllerProcess()
        controller.process.executableURL = URL(fileURLWithPath: bin).appendingPathComponent(name)
        controller.process.arguments = ["--server", server, "--log-level", "warning"] + arguments
        controller.process.standardError = FileHandle.standardError
        // Not the bench's stdout: were the bench to die before `stop()`, a reader of its output (a pipe) would
        // otherwise wait for the orphaned controller too.
        controller.process.standardOutput = FileHandle.nullDevice
        try controller.process.run()
        return controller
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }
}

extension Duration {
    var seconds: Double { milliseconds / 1000 }
}
