import Foundation
import Logging
import SkiffAPI
@testable import SkiffMessaging
import Synchronization
import Testing

/// A stand-in apiserver for informer tests that need what a real one does not do on purpose: objects that do not
/// decode, revisions that go backwards, a list older than the watch. It answers discover and list from an
/// in-memory store and publishes each write through a real `WatchPublisher`.
final class FakeWatchServer: Sendable {
    private struct State {
        var objects: [String: (revision: Int64, json: Data)] = [:]
        var revision: Int64 = 0
        /// Lists served at this revision instead of the current one, once.
        var staleListRevision: Int64?
        var lists = 0
    }

    /// What the request handler shares with the test.
    private final class Core: Sendable {
        let state = Mutex(State())
        let publisher = Mutex<(publisher: WatchPublisher, task: Task<Void, any Error>)?>(nil)
    }

    private let core = Core()
    let server: RunningServer
    let directory: URL

    init(revision: Int64 = 0) throws {
        directory = try temporaryDirectory()
        let core = core
        core.state.withLock { $0.revision = revision }
        server = try RunningServer { request in
            switch request.verb {
            case .discover:
                let endpoint = core.publisher.withLock { $0?.publisher.boundEndpoint } ?? ""
                return Response(code: 200, body: Data(#"{"watchEndpoint":"\#(endpoint)","revision":"0","resources":[]}"#.utf8))
            case .list:
                return core.state.withLock { state in
                    state.lists += 1
                    let at = state.staleListRevision ?? state.revision
                    state.staleListRevision = nil
                    let items = state.objects.sorted { $0.key < $1.key }.map(\.value).filter { $0.revision <= at }
                        .map { String(decoding: $0.json, as: UTF8.self) }
                    return Response(code: 200, body: Data(#"{"metadata":{"resourceVersion":"\#(at)"},"items":[\#(items.joined(separator: ","))]}"#.utf8))
                }
            default:
                return Response(code: 404)
            }
        }
        try startPublisher()
    }

    var lists: Int { core.state.withLock { $0.lists } }

    /// A new publisher (a new epoch) at a new ipc address, as after an apiserver restart; the old one stops.
    func startPublisher(endpoint: String? = nil) throws {
        stopPublisher()
        let publisher = try WatchPublisher(endpoint: endpoint ?? "ipc://\(directory.path)/watch-\(UUID().uuidString.prefix(4)).sock",
                                           options: .init(bookmarkInterval: .milliseconds(50)))
        let baseline = core.state.withLock { $0.revision }
        core.publisher.withLock { $0 = (publisher, Task { try await publisher.run(baseline: baseline) }) }
    }

    func stopPublisher() {
        core.publisher.withLock { box in
            box?.publisher.shutdown()
            box = nil
        }
    }

    /// Forgets everything and starts the revisions over at `revision` (a wiped data directory).
    func wipe(to revision: Int64) {
        core.state.withLock { $0 = State(revision: revision) }
    }

    func serveStaleListOnce(at revision: Int64) {
        core.state.withLock { $0.staleListRevision = revision }
    }

    /// Stores a Service (its resourceVersion set to the new revision) and publishes the change.
    @discardableResult
    func put(_ name: String, namespace: String = "default", port: Int = 80) -> Int64 {
        write(name, namespace: namespace) { revision in
            var service = Service(metadata: ObjectMeta(name: name, namespace: namespace), spec: ServiceSpec(ports: [ServicePort(name: "http", port: port)]))
            service.metadata.resourceVersion = String(revision)
            return try! JSONEncoder().encode(service)
        }
    }

    /// Stores an object that is not a valid Service (a port that is not a number) and publishes it.
    @discardableResult
    func putBroken(_ name: String, namespace: String = "default") -> Int64 {
        write(name, namespace: namespace) { revision in
            Data(#"{"metadata":{"name":"\#(name)","namespace":"\#(namespace)","resourceVersion":"\#(revision)"},"spec":{"ports":[{"port":"eighty"}]}}"#.utf8)
        }
    }

    @discardableResult
    func delete(_ name: String, namespace: String = "default") -> Int64 {
        let key = "\(namespace)/\(name)"
        let (revision, json): (Int64, Data) = core.state.withLock { state in
            state.revision += 1
            return (state.revision, state.objects.removeValue(forKey: key)?.json ?? Data())
        }
        publish(.deleted, namespace: namespace, revision: revision, json: json)
        return revision
    }

    func close() async {
        stopPublisher()
        try? await server.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, namespace: String, json: (Int64) -> Data) -> Int64 {
        let key = "\(namespace)/\(name)"
        let (type, revision, data): (WatchEventType, Int64, Data) = core.state.withLock { state in
            state.revision += 1
            let data = json(state.revision)
            let type: WatchEventType = state.objects[key] == nil ? .added : .modified
            state.objects[key] = (state.revision, data)
            return (type, state.revision, data)
        }
        publish(type, namespace: namespace, revision: revision, json: data)
        return revision
    }

    private func publish(_ type: WatchEventType, namespace: String, revision: Int64, json: Data) {
        core.publisher.withLock {
            $0?.publisher.publish([WatchPublisher.Change(type: type, resource: "services", namespace: namespace, revision: revision, object: json)])
        }
    }
}

/// Informer behaviour that needs a server misbehaving in specific ways, and the listener contract.
@Suite(.serialized) struct InformerFakeServerTests {
    static func informer(_ server: FakeWatchServer, silenceIntervals: Int = 20) throws -> (Informer<Service>, Connection) {
        let connection = try Connection(endpoint: server.server.endpoint, options: ConnectionOptions(timeout: .seconds(2)))
        var logger = Logger(label: "test.informer")
        logger.logLevel = .critical
        let options = InformerOptions(bookmarkInterval: .milliseconds(50), silenceIntervals: silenceIntervals,
                                      retryInitial: .milliseconds(10), retryMax: .milliseconds(100))
        return (try Informer<Service>(connection: connection, options: options, logger: logger), connection)
    }

    static func ports(_ informer: Informer<Service>) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: informer.list().map { ($0.name, $0.spec?.ports?.first?.port ?? 0) })
    }

    @Test func objectsThatDoNotDecodeAreLeftOutWithoutEndlessRelists() async throws {
        let server = try FakeWatchServer()
        defer { Task { await server.close() } }
        server.put("good")
        server.putBroken("bad")
        let (informer, connection) = try Self.informer(server)
        defer { connection.close() }
        let task = Task { try await informer.run() }
        defer { task.cancel() }
        #expect(await informer.waitForSync())
        #expect(Self.ports(informer) == ["good": 80])
        #expect(informer.statistics.undecodable == 1)

        server.putBroken("bad")  // still broken: known from the list, so no relist
        server.put("good", port: 81)
        try await waitUntil("the next event is applied") { Self.ports(informer)["good"] == 81 }
        #expect(informer.statistics.lists == 1, "\(informer.statistics)")

        server.put("bad", port: 82)  // repaired: it appears
        server.putBroken("other")    // unknown and broken: relist (which then leaves it out)
        try await waitUntil("the repaired object appears and the informer relisted") {
            Self.ports(informer)["bad"] == 82 && informer.statistics.decodeErrors == 1 && informer.statistics.lists == 2
        }
        #expect(Self.ports(informer) == ["good": 81, "bad": 82])
    }

    @Test func aListOlderThanTheCacheIsNotApplied() async throws {
        let server = try FakeWatchServer()
        defer { Task { await server.close() } }
        let (informer, connection) = try Self.informer(server)
        defer { connection.close() }
        let task = Task { try await informer.run() }
        defer { task.cancel() }
        #expect(await informer.waitForSync())
        server.put("a")
        let second = server.put("b")
        try await waitUntil("both are watched") { informer.lastSyncRevision >= second }

        server.serveStaleListOnce(at: 1)  // the next list says only "a" exists, at revision 1
        server.putBroken("c")             // an undecodable event: relist
        let last = server.put("d")
        try await waitUntil("the informer relisted past the stale list", timeout: .seconds(10)) {
            informer.lastSyncRevision >= last && informer.statistics.lists == 2
        }
        #expect(informer.list().map(\.name) == ["a", "b", "d"])
        #expect(informer.statistics.decodeErrors == 1)
        #expect(informer.statistics.gaps == 1, "the stale list is refused as a gap: \(informer.statistics)")
        #expect(server.lists == 3)
    }

    @Test func revisionsThatWentBackReplaceTheCacheByContent() async throws {
        let server = try FakeWatchServer(revision: 500)
        defer { Task { await server.close() } }
        server.put("old")
        server.put("kept", port: 1)
        let (informer, connection) = try Self.informer(server)
        defer { connection.close() }
        let task = Task { try await informer.run() }
        defer { task.cancel() }
        let events = informer.events()
        #expect(await informer.waitForSync())

        server.wipe(to: 0)  // a new cluster on the same address: a new epoch whose revisions start over
        server.put("kept", port: 2)
        server.put("new")
        try server.startPublisher()
        try await waitUntil("the informer noticed the new cluster") { Self.ports(informer) == ["kept": 2, "new": 80] }
        #expect(informer.statistics.epochChanges + informer.statistics.silences >= 1, "\(informer.statistics)")
        #expect(informer.get(namespace: "default", name: "kept")?.metadata.resourceVersion == "1")

        var seen: [String] = []
        for await event in events {
            switch event {
            case .added(let service): seen.append("added \(service.name)")
            case .updated(_, let service): seen.append("updated \(service.name)")
            case .deleted(let service): seen.append("deleted \(service.name)")
            }
            if seen.count == 5 { break }
        }
        #expect(seen == ["added kept", "added old", "updated kept", "added new", "deleted old"])
    }

    @Test func aSlowHandlerDoesNotHoldUpTheOthers() async throws {
        let server = try FakeWatchServer()
        defer { Task { await server.close() } }
        let (informer, connection) = try Self.informer(server)
        defer { connection.close() }
        let gate = Gate()
        let slow = Activity(), fast = Activity()
        informer.addHandlers(onAdd: { service in
            slow.begin(service.name)
            await gate.wait()
            slow.end()
        })
        informer.addHandlers(onAdd: { service in fast.begin(service.name) })
        let task = Task { try await informer.run() }
        defer { task.cancel() }
        #expect(await informer.waitForSync())
        for index in 0..<50 { server.put("svc-\(index)") }
        try await waitUntil("the fast handler saw all") { fast.started == 50 }
        #expect(slow.started == 1)
        #expect(fast.names == (0..<50).map { "svc-\($0)" })
        gate.open()
        try await waitUntil("the slow handler caught up") { slow.started == 50 }
        #expect(slow.names == fast.names)
    }

    @Test func handlersAddedLaterGetTheCacheFirst() async throws {
        let server = try FakeWatchServer()
        defer { Task { await server.close() } }
        server.put("a")
        server.put("b")
        let (informer, connection) = try Self.informer(server)
        defer { connection.close() }
        let task = Task { try await informer.run() }
        defer { task.cancel() }
        #expect(await informer.waitForSync())
        let late = Activity()
        informer.addHandlers(onAdd: { late.begin("added \($0.name)") }, onDelete: { late.begin("deleted \($0.name)") })
        server.delete("a")
        try await waitUntil("the late handler saw the delete") { late.started == 3 }
        #expect(late.names == ["added a", "added b", "deleted a"])
    }

    @Test func waitForSyncEndsWhenCancelledOrStopped() async throws {
        let server = try FakeWatchServer()
        defer { Task { await server.close() } }
        server.stopPublisher()  // nothing to watch: the informer never syncs
        let (informer, connection) = try Self.informer(server)
        defer { connection.close() }
        let waiter = Task { await informer.waitForSync() }
        waiter.cancel()
        #expect(await waiter.value == false)
        let task = Task { try await informer.run() }
        let second = Task { await informer.waitForSync() }
        task.cancel()
        try await task.value
        #expect(await second.value == false)
        #expect(!informer.hasSynced)
    }
}
