import Foundation
import SkiffAPI
import SkiffMessaging
import Synchronization

/// What one informer's `onAdd` handler saw: a count, and (for latency runs) each revision with its arrival time.
final class Arrivals: Sendable {
    private let recordTimes: Bool
    private let entries = Mutex<[(revision: Int64, at: ContinuousClock.Instant)]>([])
    private let counter = Atomic<Int>(0)

    init(recordTimes: Bool) { self.recordTimes = recordTimes }

    func record(_ service: Service) {
        if recordTimes {
            let now = ContinuousClock.now
            let revision = ObjectCache<Service>.revision(of: service)
            entries.withLock { $0.append((revision, now)) }
        }
        counter.add(1, ordering: .relaxed)
    }

    var count: Int { counter.load(ordering: .relaxed) }

    /// Arrival time per revision (the first one, should a revision arrive twice).
    func byRevision() -> [Int64: ContinuousClock.Instant] {
        entries.withLock { Dictionary($0.map { ($0.revision, $0.at) }, uniquingKeysWith: { first, _ in first }) }
    }
}

/// N real `Informer<Service>`s in this process, each with its own handler set (own task, own buffer), all synced.
/// They count only Services whose name starts with `prefix` (not the apiserver's own objects in the first list).
struct Subscribers {
    let informers: [Informer<Service>]
    let arrivals: [Arrivals]
    private let tasks: [Task<Void, Never>]
    private let connection: Connection

    static func start(count: Int, endpoint: String, prefix: String, recordTimes: Bool) async throws -> Subscribers {
        let connection = try Connection(endpoint: endpoint)
        let informers = try (0..<count).map { _ in try Informer<Service>(connection: connection, namespace: "default") }
        let arrivals = (0..<count).map { _ in Arrivals(recordTimes: recordTimes) }
        for (informer, arrival) in zip(informers, arrivals) {
            informer.addHandlers(onAdd: { service in
                guard service.name.hasPrefix(prefix) else { return }
                arrival.record(service)
            })
        }
        let tasks = informers.map { informer in Task { do { try await informer.run() } catch {} } }
        let subscribers = Subscribers(informers: informers, arrivals: arrivals, tasks: tasks, connection: connection)
        for informer in informers {
            guard await informer.waitForSync() else { await subscribers.stop(); throw BenchError("an informer did not sync") }
        }
        return subscribers
    }

    var delivered: Int { arrivals.reduce(0) { $0 + $1.count } }

    /// Relists after the first list, over all informers (each one is a recovery from lost messages or a restart).
    var relists: Int { informers.reduce(0) { $0 + $1.statistics.relists } }

    /// Waits (polling every `poll`) until `total` events were delivered or `timeout` passed; true if reached.
    func waitForDelivered(_ total: Int, timeout: Duration, poll: Duration = .milliseconds(1)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while delivered < total {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: poll)
        }
        return true
    }

    func stop() async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
        connection.close()
    }
}

/// A Service create request with a unique name, as `CreateLoad` sends it.
func serviceCreate(_ name: String, namespace: String = "default") -> Request {
    let body = #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(name)","labels":{"app":"\#(name)"}},"spec":{"selector":{"app":"\#(name)"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}"#
    return Request(verb: .create, resource: "services", namespace: namespace, name: "", token: nil, params: [:], body: Data(body.utf8))
}

/// Waits until `condition` holds, polling every `poll`; throws `what` at the timeout.
func waitUntil(_ what: String, timeout: Duration, poll: Duration = .milliseconds(20),
               _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw BenchError("timed out waiting for \(what)") }
        try await Task.sleep(for: poll)
    }
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

/// The 1-, 5- and 15-minute load averages, for the honest note on machine load.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    return text.split(separator: " ").prefix(3).joined(separator: " ")
}

/// A value behind a lock, shareable between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

/// CPU seconds (user + system) this process has used, from /proc/self/stat: shows when the bench process itself (the
/// writer and the informers) is the limit.
func processCPUSeconds() -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// An `apply` of a List of `count` new Services: one request, one store transaction, `count` watch events.
func serviceApply(prefix: String, from first: Int, count: Int, namespace: String = "default") -> Request {
    let items = (first..<first + count).map { index in
        #"{"apiVersion":"v1","kind":"Service","metadata":{"name":"\#(prefix)\#(index)","labels":{"app":"\#(prefix)\#(index)"}},"spec":{"selector":{"app":"\#(prefix)\#(index)"},"ports":[{"name":"http","port":80,"targetPort":8080}]}}"#
    }
    let body = #"{"apiVersion":"v1","kind":"List","items":["# + items.joined(separator: ",") + "]}"
    return Request(verb: .apply, resource: "", namespace: namespace, name: "", token: nil, params: [:], body: Data(body.utf8))
}
