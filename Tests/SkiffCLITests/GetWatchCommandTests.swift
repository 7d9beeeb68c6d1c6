import Foundation
import SkiffAPI
import SkiffCLI
import SkiffMessaging
import Synchronization
import Testing

/// A watch that replays a script, then ends (which ends `get -w`); it records what was asked for.
final class ScriptedWatchSource: WatchSource {
    let updates: [WatchUpdate]
    private let asked = Mutex<[(kind: String, namespace: String?)]>([])

    init(_ updates: [WatchUpdate]) { self.updates = updates }

    func watch(_ type: any APIObject.Type, namespace: String?, _ body: (WatchUpdate) async throws -> Void) async throws {
        asked.withLock { $0.append((type.resource.kind, namespace)) }
        for update in updates { try await body(update) }
    }

    var watches: [(kind: String, namespace: String?)] { asked.withLock { $0 } }
}

/// An object as a watch delivers it.
func fetched<T: APIObject>(_ object: T) -> FetchedObject {
    var typed = object
    typed.setTypeMeta()
    return FetchedObject(json: try! OrderedJSON(parsing: json(object)), object: typed)
}

func labelled(_ service: Service, _ labels: [String: String]) -> Service {
    var service = service
    service.metadata.labels = labels
    return service
}

/// `get -w` on a scripted watch: what it prints for the initial objects and for adds, updates and deletions.
@Suite struct GetWatchCommandTests {
    static let ent = labelled(service("ent", age: 300, clusterIP: "127.96.1.0", ports: [servicePort(80)]), ["app": "ent"])
    static let db = labelled(service("db", age: 60, clusterIP: "127.96.1.1", ports: [servicePort(5432)]), ["app": "db"])
    static let loadBalancers = labelled(service("load-balancers", age: 5, clusterIP: "127.96.1.22", ports: [servicePort(8080)]), ["app": "ent"])

    static var entWithTwoPorts: Service {
        var changed = ent
        changed.spec?.ports = [servicePort(80), servicePort(443)]
        changed.metadata.resourceVersion = "9"
        return changed
    }

    /// The initial list, then an add, an update and a deletion.
    static let script: [WatchUpdate] = [
        .initial([fetched(db), fetched(ent)]),
        .change(WatchEvent(.added, fetched(loadBalancers))),
        .change(WatchEvent(.modified, fetched(entWithTwoPorts))),
        .change(WatchEvent(.deleted, fetched(db))),
    ]

    static func api() -> FakeAPI {
        FakeAPI { request in
            switch (request.verb, request.resource, request.name) {
            case (.list, "services", _): .success(listJSON([db, ent], kind: "ServiceList"))
            case (.get, "services", "ent"): .success(json(ent))
            case (.get, let resource, let name): .failure(notFound(resource, name))
            default: .failure(statusError(400, "BadRequest", "unexpected \(request.verb)"))
            }
        }
    }

    func run(_ command: GetCommand, _ script: [WatchUpdate] = script, namespace: String = "default") async throws -> (stdout: String, source: ScriptedWatchSource) {
        let source = ScriptedWatchSource(script)
        var (context, console) = makeContext(Self.api(), namespace: namespace)
        context.watchSource = source
        try await command.run(context)
        return (console.stdout, source)
    }

    @Test func tableThenOneRowPerChangeWithRememberedWidths() async throws {
        let (stdout, source) = try await run(GetCommand(arguments: ["svc"], watch: GetWatchOptions()))
        // Headers once; later rows keep the initial widths and widen a column when a name needs it (the last
        // row's NAME column is as wide as load-balancers made it); a deletion prints the last known state.
        #expect(stdout == """
            NAME   TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)    AGE
            db     ClusterIP   127.96.1.1   <none>        5432/TCP   60s
            ent    ClusterIP   127.96.1.0   <none>        80/TCP     5m
            load-balancers   ClusterIP   127.96.1.22   <none>        8080/TCP   5s
            ent              ClusterIP   127.96.1.0    <none>        80/TCP,443/TCP   5m
            db               ClusterIP   127.96.1.1    <none>        5432/TCP         60s

            """)
        #expect(source.watches.map(\.kind) == ["Service"])
        #expect(source.watches.map(\.namespace) == ["default"])
    }

    @Test func initialTableIsTheTableOfPlainGet() async throws {
        let (watched, _) = try await run(GetCommand(arguments: ["svc"], watch: GetWatchOptions()), [.initial([fetched(Self.db), fetched(Self.ent)])])
        var (context, console) = makeContext(Self.api())
        context.watchSource = nil
        try await GetCommand(arguments: ["svc"]).run(context)
        #expect(watched == console.stdout)
    }

    @Test func watchOnlySkipsTheInitialObjectsAndPrintsHeadersWithTheFirstChange() async throws {
        let (stdout, _) = try await run(GetCommand(arguments: ["svc"], watch: GetWatchOptions(watchOnly: true)))
        #expect(stdout == """
            NAME             TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)    AGE
            load-balancers   ClusterIP   127.96.1.22   <none>        8080/TCP   5s
            ent              ClusterIP   127.96.1.0    <none>        80/TCP,443/TCP   5m
            db               ClusterIP   127.96.1.1    <none>        5432/TCP         60s

            """)
    }

    @Test func eventColumnAndNamespacesAndNoHeaders() async throws {
        let (stdout, source) = try await run(GetCommand(
            arguments: ["svc"], allNamespaces: true, noHeaders: true, watch: GetWatchOptions(watchOnly: true, outputWatchEvents: true)))
        // Each event is aligned when it comes: the first row fits its EVENT cell, the next ones widen it.
        #expect(stdout == """
            ADDED   default   load-balancers   ClusterIP   127.96.1.22   <none>   8080/TCP   5s
            MODIFIED   default   ent              ClusterIP   127.96.1.0    <none>   80/TCP,443/TCP   5m
            DELETED    default   db               ClusterIP   127.96.1.1    <none>   5432/TCP         60s

            """)
        #expect(source.watches.map(\.namespace) == [nil])
    }

    @Test func namesOnePerEvent() async throws {
        let (stdout, _) = try await run(GetCommand(arguments: ["svc"], output: .name, watch: GetWatchOptions()))
        #expect(stdout == "service/db\nservice/ent\nservice/load-balancers\nservice/ent\nservice/db\n")
    }

    @Test func jsonOneObjectPerEvent() async throws {
        let (stdout, _) = try await run(GetCommand(arguments: ["svc"], output: .json, watch: GetWatchOptions(watchOnly: true)))
        let documents = stdout.components(separatedBy: "\n}\n").filter { !$0.isEmpty }.map { $0 + "\n}" }
        #expect(documents.count == 3)
        let objects = try documents.map { try JSONDecoder().decode(Service.self, from: Data($0.utf8)) }
        #expect(objects.map(\.name) == ["load-balancers", "ent", "db"])
        #expect(objects[1].spec?.ports?.count == 2)
        #expect(stdout.hasPrefix("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\",\n"))
    }

    @Test func jsonWatchEventsWrapTheObject() async throws {
        let (stdout, _) = try await run(GetCommand(
            arguments: ["svc"], output: .json, watch: GetWatchOptions(outputWatchEvents: true)))
        struct Event: Decodable { var type: String; var object: Service }
        let documents = stdout.components(separatedBy: "\n}\n").filter { !$0.isEmpty }.map { $0 + "\n}" }
        let events = try documents.map { try JSONDecoder().decode(Event.self, from: Data($0.utf8)) }
        #expect(events.map(\.type) == ["ADDED", "ADDED", "ADDED", "MODIFIED", "DELETED"])
        #expect(events.map(\.object.name) == ["db", "ent", "load-balancers", "ent", "db"])
        #expect(stdout.hasPrefix("{\n    \"type\": \"ADDED\",\n    \"object\": {\n"))
    }

    @Test func yamlDocumentsAreSeparated() async throws {
        let (stdout, _) = try await run(GetCommand(arguments: ["svc"], output: .yaml, watch: GetWatchOptions(watchOnly: true)))
        #expect(stdout.components(separatedBy: "---\n").count == 3)
        #expect(stdout.contains("name: load-balancers\n"))
    }

    @Test func selectorAppliesToEventsAndLabelChangesAddOrDelete() async throws {
        var relabelled = Self.db
        relabelled.metadata.labels = ["app": "ent"]
        var unlabelled = Self.ent
        unlabelled.metadata.labels = ["app": "other"]
        let script: [WatchUpdate] = [
            .initial([fetched(Self.db), fetched(Self.ent)]),
            .change(WatchEvent(.modified, fetched(relabelled))),
            .change(WatchEvent(.modified, fetched(unlabelled))),
            .change(WatchEvent(.deleted, fetched(unlabelled))),
            .change(WatchEvent(.added, fetched(Self.loadBalancers))),
        ]
        let (stdout, _) = try await run(
            GetCommand(arguments: ["svc"], selector: "app=ent", output: .name, watch: GetWatchOptions(outputWatchEvents: true)), script)
        // -o name has no room for the event type; the sequence of names shows the filtering.
        #expect(stdout == "service/ent\nservice/db\nservice/ent\nservice/load-balancers\n")
        let (table, _) = try await run(
            GetCommand(arguments: ["svc"], selector: "app=ent", noHeaders: true, watch: GetWatchOptions(outputWatchEvents: true)), script)
        #expect(table.split(separator: "\n").map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == [
            "ADDED ent", "ADDED db", "DELETED ent", "ADDED load-balancers",
        ])
    }

    @Test func nameFiltersEvents() async throws {
        let (stdout, _) = try await run(GetCommand(arguments: ["svc", "ent"], output: .name, watch: GetWatchOptions()))
        #expect(stdout == "service/ent\nservice/ent\n")
    }

    @Test(arguments: [
        (name: "two kinds", arguments: ["svc,po"], error: "watch is only supported on individual resources and resource collections, but 2 resource kinds were given"),
        (name: "bad selector", arguments: ["svc"], error: "unable to parse the label selector"),
    ])
    func usageErrors(_ testCase: (name: String, arguments: [String], error: String)) async throws {
        let selector = testCase.name == "bad selector" ? "app in (" : nil
        await #expect { try await run(GetCommand(arguments: testCase.arguments, selector: selector, watch: GetWatchOptions())) } throws: { error in
            (error as? CLIError)?.message.hasPrefix(testCase.error) ?? false
        }
    }

    @Test func missingNameFailsBeforeWatching() async throws {
        let source = ScriptedWatchSource(Self.script)
        var (context, console) = makeContext(Self.api())
        context.watchSource = source
        await #expect(throws: CLIError.reported) { try await GetCommand(arguments: ["svc", "nope"], watch: GetWatchOptions()).run(context) }
        #expect(console.stderr == "Error from server (NotFound): services \"nope\" not found\n")
        #expect(source.watches.isEmpty)
    }

    @Test func timeoutEndsAWatchThatNeverEnds() async throws {
        var (context, console) = makeContext(Self.api())
        context.watchSource = EndlessWatchSource()
        let started = ContinuousClock.now
        try await GetCommand(arguments: ["svc"], output: .name, watch: GetWatchOptions(timeout: .milliseconds(200))).run(context)
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect(console.stdout == "service/db\n")
    }
}

/// Reports one object, then waits until cancelled.
struct EndlessWatchSource: WatchSource {
    func watch(_ type: any APIObject.Type, namespace: String?, _ body: (WatchUpdate) async throws -> Void) async throws {
        try await body(.initial([fetched(GetWatchCommandTests.db)]))
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(60)) }
    }
}
