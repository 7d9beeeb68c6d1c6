import Foundation
import SkiffAPI
import SkiffMessaging
import Synchronization
import Testing

/// The lossless watch against the real `apiserver` executable: it is SIGKILLed in the middle of a watch while
/// writes keep coming (some committed but never published), restarted on the same data and sockets, and the
/// informers must end with exactly the store's state, having kept their cache meanwhile.
@Suite(.serialized) struct WatchTests {
    @Test func informersConvergeAcrossASIGKILLOfTheAPIServer() async throws {
        let cluster = try ClusterHarness()
        try await cluster.startAPIServer()
        let connection = try cluster.connection(timeout: .seconds(2))
        defer { connection.close() }
        let all = WatchedInformer(try cluster.informer(Service.self, on: connection))
        let scoped = WatchedInformer(try cluster.informer(Service.self, on: connection, namespace: "default"))
        defer { Task { await all.stop(); await scoped.stop() } }
        #expect(await all.informer.waitForSync())
        #expect(await scoped.informer.waitForSync())

        let writer = ServiceWriter()
        let writing = Task { await writer.run(connection) }
        try await waitUntil("writes are watched", timeout: .seconds(30)) { all.informer.statistics.events >= 100 }

        #expect(try await cluster.stopAPIServer(signal: SIGKILL) != 0)
        #expect(all.informer.hasSynced)
        #expect(!all.informer.list().isEmpty, "the cache is kept while the apiserver is away")
        try await cluster.startAPIServer()

        try await waitUntil("the informers relisted after the restart", timeout: .seconds(30)) {
            all.informer.statistics.lists >= 2 && scoped.informer.statistics.lists >= 2
        }
        let beforeMore = writer.writes
        try await waitUntil("writes go on after the restart", timeout: .seconds(30)) { writer.writes >= beforeMore + 100 }
        writer.stop()
        await writing.value

        for watched in [all, scoped] {
            let (stored, revision) = try await cluster.stored(Service.self, on: connection, namespace: watched.informer.namespace ?? "")
            try await waitUntil("\(watched.informer.topic) converged", timeout: .seconds(30)) {
                watched.informer.lastSyncRevision >= revision
            }
            #expect(watched.cached == stored)
            try await waitUntil("the handlers of \(watched.informer.topic) caught up", timeout: .seconds(30)) { watched.live == stored }
            #expect(watched.violations.isEmpty, "\(watched.violations.prefix(5))")
        }
        print("WatchTests: \(writer.writes) writes; informers: \([all, scoped].map(\.informer.statistics))")
        try await cluster.stopAPIServer()
    }
}

/// An informer running in a task, with handlers that check what they are told: per object, revisions only go up,
/// an update starts from the version delivered last, a deletion carries it.
final class WatchedInformer: Sendable {
    let informer: Informer<Service>
    private let task: Task<Void, any Error>
    private let state = Ledger()

    final class Ledger: Sendable {
        private let mutex = Mutex<(live: [String: Int64], last: [String: Int64], violations: [String])>(([:], [:], []))
        func withLock<T>(_ body: (inout (live: [String: Int64], last: [String: Int64], violations: [String])) -> T) -> T {
            mutex.withLock { body(&$0) }
        }
    }

    init(_ informer: Informer<Service>) {
        self.informer = informer
        let state = state
        @Sendable func key(_ service: Service) -> String { ObjectCache<Service>.key(for: service) }
        @Sendable func revision(_ service: Service) -> Int64 { ObjectCache<Service>.revision(of: service) }
        informer.addHandlers(
            onAdd: { service in
                state.withLock { state in
                    if let last = state.last[key(service)], revision(service) <= last { state.violations.append("add \(key(service)) \(revision(service)) after \(last)") }
                    state.live[key(service)] = revision(service)
                    state.last[key(service)] = revision(service)
                }
            },
            onUpdate: { old, new in
                state.withLock { state in
                    if state.live[key(new)] != revision(old) { state.violations.append("update \(key(new)) from \(revision(old)), delivered \(state.live[key(new)] ?? -1)") }
                    if revision(new) <= revision(old) { state.violations.append("update \(key(new)) to \(revision(new)) from \(revision(old))") }
                    state.live[key(new)] = revision(new)
                    state.last[key(new)] = revision(new)
                }
            },
            onDelete: { service in
                state.withLock { state in
                    if state.live[key(service)] != revision(service) { state.violations.append("delete \(key(service)) \(revision(service)), delivered \(state.live[key(service)] ?? -1)") }
                    state.live[key(service)] = nil
                }
            })
        task = Task { try await informer.run() }
    }

    var live: [String: Int64] { state.withLock { $0.live } }
    var violations: [String] { state.withLock { $0.violations } }
    var cached: [String: Int64] {
        informer.withCache { cache in Dictionary(uniqueKeysWithValues: cache.keys.map { ($0, cache.revision($0) ?? -1) }) }
    }

    func stop() async {
        task.cancel()
        try? await task.value
    }
}

/// Creates Services and deletes older ones until stopped, from 8 tasks at once; failures (the apiserver is
/// away) are skipped.
final class ServiceWriter: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let count = Atomic<Int>(0)
    var writes: Int { count.load(ordering: .relaxed) }

    func run(_ connection: Connection) async {
        await withDiscardingTaskGroup { group in
            for worker in 0..<8 {
                group.addTask { await self.write(connection, worker: worker) }
            }
        }
    }

    func stop() { stopped.store(true, ordering: .relaxed) }

    private func write(_ connection: Connection, worker: Int) async {
        var index = 0
        while !stopped.load(ordering: .relaxed) {
            index += 1
            let request = index % 3 == 0
                ? Request(verb: .delete, resource: "services", namespace: "default", name: "w\(worker)-\(index - 2)")
                : Request(verb: .create, resource: "services", namespace: "default", body: Self.body("w\(worker)-\(index)"))
            do {
                if try await connection.call(request).code < 300 { count.add(1, ordering: .relaxed) }
            } catch {
                try? await Task.sleep(for: .milliseconds(20))  // the apiserver is away: go on with the next one
            }
        }
    }

    static func body(_ name: String) -> Data {
        let service = Service(metadata: ObjectMeta(name: name, namespace: "default"),
                              spec: ServiceSpec(ports: [ServicePort(name: "http", port: 80)], clusterIP: "None"))
        return (try? JSONEncoder().encode(service)) ?? Data()
    }
}
