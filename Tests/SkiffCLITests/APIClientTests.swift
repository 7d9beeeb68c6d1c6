import Foundation
import SkiffAPI
import SkiffMessaging
import Synchronization
import Testing

/// APIClient over the real ZeroMQ transport, against a RequestServer whose handler keeps Services in memory.
@Suite struct APIClientTests {
    /// A tiny apiserver stand-in: services by name, Status bodies for errors, every request recorded.
    final class MiniServer: Sendable {
        let objects = Mutex<[String: Data]>([:])
        let seen = Mutex<[Request]>([])

        func handle(_ request: Request) -> Response {
            seen.withLock { $0.append(request) }
            func status(_ code: Int, _ reason: String, _ message: String) -> Response {
                Response(code: code, body: try! JSONEncoder().encode(Status(code: code, reason: reason, message: message)))
            }
            switch request.verb {
            case .create:
                guard let service = try? JSONDecoder().decode(Service.self, from: request.body) else { return status(400, "BadRequest", "not a Service") }
                var stored = service
                stored.metadata.resourceVersion = "1"
                let body = try! JSONEncoder().encode(stored)
                let created = objects.withLock { objects -> Bool in
                    guard objects[service.name] == nil else { return false }
                    if request.params["dryRun"] == nil { objects[service.name] = body }
                    return true
                }
                return created ? Response(code: 201, body: body) : status(409, "AlreadyExists", "services \"\(service.name)\" already exists")
            case .get, .delete:
                guard let body = objects.withLock({ request.verb == .delete ? $0.removeValue(forKey: request.name) : $0[request.name] }) else {
                    return status(404, "NotFound", "services \"\(request.name)\" not found")
                }
                return Response(code: 200, body: body)
            case .list:
                let items = objects.withLock { objects in objects.keys.sorted().map { String(decoding: objects[$0]!, as: UTF8.self) } }
                return Response(code: 200, body: Data(#"{"kind":"ServiceList","metadata":{"resourceVersion":"9"},"items":[\#(items.joined(separator: ","))]}"#.utf8))
            case .update, .updateStatus:
                objects.withLock { $0[request.name] = request.body }
                return Response(code: 200, body: request.body)
            case .apply:
                let list = try! JSONSerialization.jsonObject(with: request.body) as! [String: Any]
                let items = (list["items"] as! [Any]).map { item in
                    #"{"action":"created","object":\#(String(decoding: try! JSONSerialization.data(withJSONObject: item), as: UTF8.self))}"#
                }
                return Response(code: 200, body: Data(#"{"kind":"ApplyResult","items":[\#(items.joined(separator: ","))]}"#.utf8))
            case .discover:
                return Response(code: 200, body: Data(#"{"watchEndpoint":"ipc:///w","revision":"3","resources":[{"name":"services","kind":"Service","apiVersion":"v1","namespaced":true,"shortNames":["svc"]}]}"#.utf8))
            }
        }
    }

    /// Runs `body` with a client of a MiniServer on a fresh ipc socket.
    static func withServer(_ body: (APIClient, MiniServer) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("apiclient-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoint = "ipc://\(directory.path)/api.sock"
        let mini = MiniServer()
        let server = try RequestServer(endpoint: endpoint) { mini.handle($0) }
        let running = Task { try await server.run() }
        defer {
            server.shutdown()
            running.cancel()
        }
        let client = try APIClient(config: APIClientConfig(server: endpoint, token: "s3cret", timeout: .seconds(10)))
        defer { client.close() }
        try await body(client, mini)
    }

    @Test func typedCallsRoundTrip() async throws {
        try await Self.withServer { client, mini in
            let ent = Service(metadata: ObjectMeta(name: "ent", namespace: "default"), spec: ServiceSpec(ports: [ServicePort(port: 80)]))
            let created = try await client.create(ent)
            #expect(created.metadata.resourceVersion == "1")
            #expect(try await client.get(Service.self, namespace: "default", name: "ent").name == "ent")

            let error = await #expect(throws: APIError.self) { try await client.create(ent) }
            #expect(error?.isAlreadyExists == true)
            #expect(error?.description == #"Error from server (AlreadyExists): services "ent" already exists"#)

            let (items, revision) = try await client.list(Service.self, namespace: nil, labelSelector: "app=ent")
            #expect(items.map(\.name) == ["ent"])
            #expect(revision == "9")

            var changed = created
            changed.metadata.labels = ["app": "ent"]
            #expect(try await client.update(changed).labels == ["app": "ent"])
            #expect(try await client.updateStatus(changed).name == "ent")

            let applied = try await client.apply([ent, Namespace(name: "shop")], dryRun: true)
            #expect(applied.map(\.action) == [.created, .created])
            #expect(applied[1].object is Namespace)

            #expect(try await client.discover().resources.first?.shortNames == ["svc"])
            #expect(try await client.delete(Service.self, namespace: "default", name: "ent").name == "ent")
            let gone = await #expect(throws: APIError.self) { try await client.get(Service.self, namespace: "default", name: "ent") }
            #expect(gone?.isNotFound == true)

            let requests = mini.seen.withLock { $0 }
            #expect(requests.allSatisfy { $0.token == "s3cret" })
            #expect(requests.map(\.verb) == [.create, .get, .create, .list, .update, .updateStatus, .apply, .discover, .delete, .get])
            #expect(requests[3].namespace == "" && requests[3].params["labelSelector"] == "app=ent")
            #expect(requests[4].name == "ent" && requests[4].namespace == "default" && requests[4].resource == "services")
            #expect(requests[6].resource == "" && requests[6].params["dryRun"] == "All")
        }
    }

    @Test func anAbsentServerIsUnreachable() async throws {
        let client = try APIClient(config: APIClientConfig(server: "ipc:///nonexistent/skiff-\(UUID().uuidString.prefix(8)).sock", timeout: .milliseconds(300)))
        defer { client.close() }
        let error = await #expect(throws: APIError.self) { try await client.discover() }
        #expect(error?.isUnreachable == true)
        #expect(error?.code == 0)
        #expect(error?.description.contains("make up") == true)
        #expect(throws: APIError.self) { try APIClient(config: APIClientConfig(server: "nonsense://x")) }
    }
}
