import APIServer
import Foundation
import Logging
import SkiffAPI
import SkiffMessaging
import Synchronization
import Testing

/// A real apiserver in this process (store, registry, request socket, watch publisher, as `apiserver` wires them),
/// on ipc sockets in a temp dir so that it can be stopped and started again at the same addresses, plus a client
/// connection for writes and informers.
final class WatchCluster: @unchecked Sendable {
    let directory: URL
    var options: APIServerOptions
    let connection: Connection
    private(set) var server: APIServer?
    private var task: Task<Void, any Error>?

    /// Bookmarks every 100 ms so that tests converge fast; informers made by `informer` assume the same.
    static let bookmarkInterval: Duration = .milliseconds(100)

    init(watch: WatchPublisherOptions = WatchPublisherOptions(bookmarkInterval: WatchCluster.bookmarkInterval)) async throws {
        directory = URL(fileURLWithPath: "/tmp/skiff-watch-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        options = APIServerOptions(dataDirectory: directory.appendingPathComponent("data"))
        options.listen = "ipc://\(directory.path)/api.sock"
        options.watchListen = "ipc://\(directory.path)/watch.sock"
        options.watch = watch
        connection = try Connection(endpoint: options.listen, options: ConnectionOptions(timeout: .seconds(20)))
        try await start()
    }

    /// Starts the apiserver and waits until it answers.
    func start() async throws {
        var logger = Logger(label: "test.apiserver")
        logger.logLevel = .warning
        let server = try APIServer(options: options, logger: logger)
        self.server = server
        task = Task { try await server.run() }
        let deadline = ContinuousClock.now + .seconds(20)
        while try await connection.call(Request(verb: .discover, resource: ""), timeout: .seconds(20)).code != 200 {
            guard ContinuousClock.now < deadline else { throw MessagingError(.timeout, "the apiserver did not answer") }
        }
    }

    /// Stops the apiserver the way SIGTERM does (answers what is in flight, publishes what was committed).
    func stop() async throws {
        task?.cancel()
        try await task?.value
        task = nil
        server = nil
    }

    func close() async {
        try? await stop()
        connection.close()
        try? FileManager.default.removeItem(at: directory)
    }

    func informer<T: APIObject>(_ type: T.Type, namespace: String? = nil, options: InformerOptions? = nil) throws -> Informer<T> {
        var logger = Logger(label: "test.informer")
        logger.logLevel = .warning
        let options = options ?? InformerOptions(bookmarkInterval: Self.bookmarkInterval, silenceIntervals: 10)
        return try Informer<T>(connection: connection, namespace: namespace, options: options, logger: logger)
    }

    // MARK: writes and reads through the request socket

    @discardableResult
    func call(_ verb: Verb, _ resource: String, namespace: String = "", name: String = "", body: Data = Data(),
              timeout: Duration? = nil) async throws -> Response {
        try await connection.call(Request(verb: verb, resource: resource, namespace: namespace, name: name, body: body), timeout: timeout)
    }

    func createNamespace(_ name: String) async throws {
        let response = try await call(.create, "namespaces", body: try JSONEncoder().encode(Namespace(name: name)))
        try Self.expect(response, [201])
    }

    /// Creates or replaces Service `name` with label `version=<version>`.
    @discardableResult
    func putService(_ name: String, namespace: String, version: Int, create: Bool) async throws -> Response {
        let service = Service(
            metadata: ObjectMeta(name: name, namespace: namespace, labels: ["app": name, "version": String(version)]),
            spec: ServiceSpec(selector: ["app": name], ports: [ServicePort(name: "http", port: 80)], clusterIP: "None"))
        let response = try await call(create ? .create : .update, "services", namespace: namespace, name: create ? "" : name,
                                      body: try JSONEncoder().encode(service))
        try Self.expect(response, [200, 201])
        return response
    }

    /// Many writers at once, each owning its names: create, update, delete, re-create, update... so that every kind
    /// of event happens to every object, concurrently, in group commits. Returns the number of writes.
    @discardableResult
    func churn(namespaces: [String], workers: Int, namesPerWorker: Int, rounds: Int) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var writes = 0
                    for round in 0..<rounds {
                        for index in 0..<namesPerWorker {
                            let name = "svc-\(worker)-\(index)", namespace = namespaces[(worker + index) % namespaces.count]
                            switch round % 4 {
                            case 0: try await self.putService(name, namespace: namespace, version: round, create: true)
                            case 3:
                                try Self.expect(try await self.call(.delete, "services", namespace: namespace, name: name), [200])
                            default: try await self.putService(name, namespace: namespace, version: round, create: false)
                            }
                            writes += 1
                        }
                    }
                    return writes
                }
            }
            return try await group.reduce(0, +)
        }
    }

    /// Every Service in the store, by cache key, with its resourceVersion; and the list's revision.
    func storedServices(namespace: String = "") async throws -> (objects: [String: Int64], revision: Int64) {
        struct List: Decodable {
            struct Meta: Decodable { var resourceVersion: String }
            var metadata: Meta
            var items: [Service]
        }
        let response = try await call(.list, "services", namespace: namespace)
        try Self.expect(response, [200])
        let list = try JSONDecoder().decode(List.self, from: response.body)
        let objects = Dictionary(uniqueKeysWithValues: list.items.map {
            (ObjectCache<Service>.key(for: $0), ObjectCache<Service>.revision(of: $0))
        })
        return (objects, Int64(list.metadata.resourceVersion) ?? 0)
    }

    static func expect(_ response: Response, _ codes: Set<Int>) throws {
        guard codes.contains(response.code) else {
            throw MessagingError(.malformed, "unexpected \(response.code): \(String(decoding: response.body, as: UTF8.self))")
        }
    }
}

/// An informer's `run()` in a task, and a recorder of what its handlers saw.
struct RunningInformer<T: APIObject>: Sendable {
    let informer: Informer<T>
    let recorder = HandlerRecorder()
    private let task: Task<Void, any Error>

    init(_ informer: Informer<T>, slowHandler: Duration? = nil) {
        self.informer = informer
        let recorder = recorder
        informer.addHandlers(
            onAdd: { object in
                if let slowHandler { try? await Task.sleep(for: slowHandler) }
                recorder.record(.added, key: ObjectCache<T>.key(for: object), revision: ObjectCache<T>.revision(of: object))
            },
            onUpdate: { old, new in
                recorder.record(.modified, key: ObjectCache<T>.key(for: new), revision: ObjectCache<T>.revision(of: new),
                                old: ObjectCache<T>.revision(of: old))
            },
            onDelete: { object in
                recorder.record(.deleted, key: ObjectCache<T>.key(for: object), revision: ObjectCache<T>.revision(of: object))
            })
        task = Task { try await informer.run() }
    }

    func stop() async {
        task.cancel()
        try? await task.value
    }

    /// The cache as key → revision.
    var cached: [String: Int64] {
        informer.withCache { cache in Dictionary(uniqueKeysWithValues: cache.keys.map { ($0, cache.revision($0) ?? -1) }) }
    }
}

/// What handlers were told, checked as it arrives: per object, every revision is newer than the last one
/// delivered, an update's old version is the one delivered last, a deletion carries the last one delivered.
final class HandlerRecorder: Sendable {
    private struct State {
        var live: [String: Int64] = [:]
        var last: [String: Int64] = [:]
        var violations: [String] = []
        var count = 0
    }

    private let state = Mutex(State())

    func record(_ type: WatchEventType, key: String, revision: Int64, old: Int64? = nil) {
        state.withLock { state in
            state.count += 1
            let last = state.last[key]
            switch type {
            case .added, .modified:
                if let last, revision <= last { state.violations.append("\(type) \(key) at \(revision) after \(last)") }
                if type == .added, state.live[key] != nil { state.violations.append("add of \(key) at \(revision), which is live") }
                if type == .modified, old != state.live[key] { state.violations.append("update of \(key) from \(old ?? -1), but \(state.live[key] ?? -1) was delivered") }
                state.live[key] = revision
                state.last[key] = revision
            case .deleted:
                if revision != state.live[key] { state.violations.append("delete of \(key) at \(revision), but \(state.live[key] ?? -1) was delivered") }
                state.live[key] = nil
            case .bookmark:
                break
            }
        }
    }

    /// What the handlers believe exists: key → revision.
    var live: [String: Int64] { state.withLock { $0.live } }
    var violations: [String] { state.withLock { $0.violations } }
    var count: Int { state.withLock { $0.count } }
}

/// Waits until `condition` holds, polling every 10 ms, or fails after `timeout` with `explain()` in the issue.
func eventually(_ what: String, timeout: Duration = .seconds(60), explain: () -> String = { "" },
                _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out after \(timeout) waiting until \(what). \(explain())")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}

/// The apiserver wiring itself: discovery, a subscriber that joins late, a namespace-filtered one.
@Suite(.serialized) struct WatchClusterTests {
    @Test func discoverNamesTheBoundWatchEndpoint() async throws {
        let cluster = try await WatchCluster()
        defer { Task { await cluster.close() } }
        let response = try await cluster.call(.discover, "")
        let document = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
        #expect(document?["watchEndpoint"] as? String == cluster.options.watchListen)
        #expect(cluster.server?.watchEndpoint == cluster.options.watchListen)
    }

    @Test func aSubscriberThatJoinsLateGetsEverythingOnceAndThenTheChanges() async throws {
        let cluster = try await WatchCluster()
        defer { Task { await cluster.close() } }
        let early = RunningInformer(try cluster.informer(Service.self))
        defer { Task { await early.stop() } }
        #expect(await early.informer.waitForSync())
        for index in 0..<20 { try await cluster.putService("svc-\(index)", namespace: "default", version: 1, create: true) }

        let late = RunningInformer(try cluster.informer(Service.self))
        defer { Task { await late.stop() } }
        #expect(await late.informer.waitForSync())
        for index in 0..<5 { try await cluster.putService("svc-\(index)", namespace: "default", version: 2, create: false) }
        _ = try await cluster.call(.delete, "services", namespace: "default", name: "svc-19")

        let (stored, revision) = try await cluster.storedServices()
        try await eventually("both informers hold the store's state", explain: { "late: \(late.informer.statistics)" }) {
            late.informer.lastSyncRevision >= revision && early.informer.lastSyncRevision >= revision
        }
        #expect(late.cached == stored)
        #expect(early.cached == stored)
        try await eventually("the handlers caught up") { late.recorder.live == stored && early.recorder.live == stored }
        #expect(late.recorder.violations.isEmpty, "\(late.recorder.violations)")
        #expect(early.recorder.violations.isEmpty, "\(early.recorder.violations)")
        #expect(late.informer.statistics.relists == 0)
        #expect(late.informer.get(namespace: "default", name: "svc-3")?.labels["version"] == "2")
        #expect(late.informer.byLabel("version", "2").count == 5)
    }

    @Test func aNamespaceInformerSeesOnlyItsNamespace() async throws {
        let cluster = try await WatchCluster()
        defer { Task { await cluster.close() } }
        try await cluster.createNamespace("team-a")
        try await cluster.createNamespace("team-ab")
        let informer = RunningInformer(try cluster.informer(Service.self, namespace: "team-a"))
        defer { Task { await informer.stop() } }
        #expect(await informer.informer.waitForSync())
        #expect(informer.informer.topic.description == "services/team-a/")
        for namespace in ["team-a", "team-ab", "default"] {
            try await cluster.putService("web", namespace: namespace, version: 1, create: true)
        }
        try await cluster.putService("web", namespace: "team-a", version: 2, create: false)
        let (stored, revision) = try await cluster.storedServices(namespace: "team-a")
        try await eventually("the informer is current") { informer.informer.lastSyncRevision >= revision }
        #expect(informer.cached == stored)
        #expect(Array(stored.keys) == ["team-a/web"])
        #expect(informer.informer.statistics.relists == 0)
        #expect(informer.informer.statistics.bookmarks > 0)
    }

    @Test func eventsStreamStartsWithTheCacheAndEndsWithTheInformer() async throws {
        let cluster = try await WatchCluster()
        defer { Task { await cluster.close() } }
        try await cluster.putService("first", namespace: "default", version: 1, create: true)
        let informer = try cluster.informer(Service.self)
        let task = Task { try await informer.run() }
        #expect(await informer.waitForSync())
        let stream = informer.events()
        try await cluster.putService("first", namespace: "default", version: 2, create: false)
        _ = try await cluster.call(.delete, "services", namespace: "default", name: "first")

        var seen: [String] = []
        for await event in stream {
            switch event {
            case .added(let service): seen.append("added \(service.name)")
            case .updated(_, let service): seen.append("updated \(service.name) to version \(service.labels["version"] ?? "")")
            case .deleted(let service): seen.append("deleted \(service.name)")
            }
            if seen.last == "deleted first" { task.cancel() }
        }
        #expect(seen.filter { $0.contains("first") } == ["added first", "updated first to version 2", "deleted first"])
        try await task.value
    }
}
