import APIServer
import CZeroMQ
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// Watch subscriptions are authorized as LIST is: a subscriber gets the events of a topic only when the token of
/// its authorization subscription may `list` and `watch` it (docs/WATCH.md, "Authorization").
@Suite(.serialized) struct AuthWatchTests {
    /// A raw SUB socket as an informer sets it up: the topic for its own filter, plus the authorization
    /// subscription (unless `token` is nil: a subscriber that knows nothing of authorization).
    static func subscriber(_ server: AuthServer, topic: WatchTopic, token: String?) throws -> ZMQSocket {
        let socket = try ZMQSocket(.sub)
        try socket.setOption(ZMQ_LINGER, 0)
        try socket.setOption(ZMQ_SUBSCRIBE, bytes: Array(topic.bytes))
        if let token { try socket.setOption(ZMQ_SUBSCRIBE, bytes: Array(WatchSubscription(token: token, topic: topic).bytes)) }
        try socket.connect(server.server.watchEndpoint)
        return socket
    }

    /// The next message on `socket` that satisfies `accept`, within `timeout`.
    static func next(_ socket: ZMQSocket, timeout: Duration = .seconds(10), _ accept: (WatchMessage) -> Bool) throws -> WatchMessage {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard try socket.waitForMessage(timeout: .milliseconds(100)), let frames = try socket.receive() else { continue }
            let message = try WatchWire.decode(frames)
            if accept(message) { return message }
        }
        throw MessagingError(.timeout, "no matching watch message within \(timeout)")
    }

    static func createService(_ connection: Connection, _ name: String) async throws {
        let body = try JSONEncoder().encode(service(name))
        let response = try await connection.call(Request(verb: .create, resource: "services", namespace: "default", token: "admin-token", body: body))
        #expect(response.code == 201)
    }

    static func waitUntil(_ what: String, _ condition: () throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while try !condition() {
            guard ContinuousClock.now < deadline else { throw MessagingError(.timeout, "timed out waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test func onlyATokenThatMayReadTheKindReceivesItsEvents() async throws {
        let server = try await AuthServer()
        defer { Task { await server.close() } }
        let admin = try server.connection()
        defer { admin.close() }
        let services = WatchTopic(resource: "services", namespace: nil)

        // alice may read nothing, "forged" is in no token file, and the third sends no authorization at all.
        let refused = [
            try Self.subscriber(server, topic: services, token: "alice-token"),
            try Self.subscriber(server, topic: services, token: "forged-token"),
            try Self.subscriber(server, topic: services, token: ""),
            try Self.subscriber(server, topic: services, token: nil),
        ]
        defer { refused.forEach { $0.close() } }
        // The publisher has judged the three authorization subscriptions (the fourth sent none).
        try await Self.waitUntil("three subscriptions are refused") { server.server.watchStatistics.denied == 3 }

        let dns = try Self.subscriber(server, topic: services, token: "dns-token")
        defer { dns.close() }
        // The welcome bookmark: the subscription is live.
        _ = try Self.next(dns) { $0.type == .bookmark }

        try await Self.createService(admin, "first")
        try await Self.createService(admin, "second")
        let seen = try Self.next(dns) { $0.type == .added && String(decoding: $0.object, as: UTF8.self).contains(#""name":"second""#) }
        #expect(seen.topic == WatchTopic(resource: "services", namespace: "default"))
        // ZeroMQ sends each event to every subscribed connection at once; the authorized one has the later event
        // already, so a refused subscriber that had been subscribed would hold at least the first by now.
        for socket in refused { #expect(try socket.receive() == nil) }

        try await Self.waitUntil("the audit log has the watch decisions") {
            try server.auditLines().filter { $0["verb"] as? String == "watch" }.count >= 4
        }
        let watches = try server.auditLines().filter { $0["verb"] as? String == "watch" }
        let decisions = watches.map { "\($0["user"] as? String ?? "?") \($0["decision"] as? String ?? "?") \($0["code"] as? Int ?? 0)" }
        #expect(decisions.sorted() == [" deny 401", " deny 401", "alice deny 403", "system:coredns allow 200"])
        #expect(watches.allSatisfy { $0["resource"] as? String == "services" })
    }

    @Test func aNamespaceGrantOpensThatNamespaceOnly() async throws {
        let server = try await AuthServer()
        defer { Task { await server.close() } }
        let admin = try server.connection()
        defer { admin.close() }
        let grant = """
            {"kind":"List","apiVersion":"v1","items":[
             {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role","metadata":{"name":"svc-reader","namespace":"default"},
              "rules":[{"apiGroups":[""],"resources":["services"],"verbs":["list","watch"]}]},
             {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding","metadata":{"name":"alice-svc","namespace":"default"},
              "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"svc-reader"},
              "subjects":[{"apiGroup":"rbac.authorization.k8s.io","kind":"User","name":"alice"}]}]}
            """
        let applied = try await admin.call(Request(verb: .apply, resource: "", namespace: "default", token: "admin-token", body: Data(grant.utf8)))
        #expect(applied.code == 200, "\(String(decoding: applied.body, as: UTF8.self))")

        let everywhere = try Self.subscriber(server, topic: WatchTopic(resource: "services", namespace: nil), token: "alice-token")
        defer { everywhere.close() }
        try await Self.waitUntil("the kind-wide subscription is refused") { server.server.watchStatistics.denied == 1 }
        let inDefault = try Self.subscriber(server, topic: WatchTopic(resource: "services", namespace: "default"), token: "alice-token")
        defer { inDefault.close() }
        _ = try Self.next(inDefault) { $0.type == .bookmark }
        try await Self.createService(admin, "web")
        _ = try Self.next(inDefault) { $0.type == .added }
        #expect(try everywhere.receive() == nil)
    }

    @Test func anInformerWithAReadingTokenSyncsAndFollowsChanges() async throws {
        let server = try await AuthServer()
        defer { Task { await server.close() } }
        let admin = try server.connection()
        defer { admin.close() }
        let informer = try server.informer(Service.self, token: "dns-token", connection: admin)
        let run = Task { try await informer.run() }
        defer { run.cancel() }
        #expect(await informer.waitForSync())
        try await Self.createService(admin, "web")
        try await Self.waitUntil("the informer has the Service") { informer.get(namespace: "default", name: "web") != nil }
        // Its list carried watch=true and was authorized for it; its subscription was granted once.
        func lines(_ verb: String) throws -> [[String: Any]] {
            try server.auditLines().filter { $0["verb"] as? String == verb && $0["user"] as? String == "system:coredns" }
        }
        try await Self.waitUntil("the audit log has the informer's list and watch") { try !lines("list").isEmpty && !lines("watch").isEmpty }
        #expect(try lines("watch").map { $0["decision"] as? String } == ["allow"])
        #expect(try lines("list").allSatisfy { $0["decision"] as? String == "allow" })
    }
}

extension AuthWatchTests {
    @Test func anApiserverRestartAuthorizesTheResentSubscriptionAgain() async throws {
        let server = try await AuthServer()
        defer { Task { await server.close() } }
        let admin = try server.connection()
        defer { admin.close() }
        let informer = try server.informer(Service.self, token: "dns-token", connection: admin)
        let run = Task { try await informer.run() }
        defer { run.cancel() }
        #expect(await informer.waitForSync())
        try await server.restart()
        // The SUB reconnects by itself and resends both subscriptions; the new apiserver grants them again.
        try await Self.createService(admin, "after-restart")
        try await Self.waitUntil("the informer has the Service created after the restart") {
            informer.get(namespace: "default", name: "after-restart") != nil
        }
        try await Self.waitUntil("both grants are audited") {
            try server.auditLines().filter { $0["verb"] as? String == "watch" && $0["decision"] as? String == "allow" }.count >= 2
        }
    }
}

@Suite struct WatchSubscriptionTests {
    @Test(arguments: [
        WatchSubscription(token: "3f9c0a", topic: WatchTopic(resource: "services", namespace: nil)),
        WatchSubscription(token: "", topic: WatchTopic(resource: "services", namespace: "default")),
        WatchSubscription(token: "t", topic: WatchTopic(resource: "namespaces", namespace: "")),
    ])
    func encodesAndParsesBack(subscription: WatchSubscription) {
        #expect(subscription.bytes.first == 0, "no topic starts with a zero byte")
        #expect(WatchSubscription(subscription.bytes) == subscription)
    }

    @Test(arguments: ["services/", "\0auth\0token", "\0auth\0token\0not-a-topic", "\0other\0t\0services/"])
    func refusesWhatIsNotOne(text: String) {
        #expect(WatchSubscription(Data(text.utf8)) == nil)
    }

    @Test func hasTheDocumentedBytes() {
        let subscription = WatchSubscription(token: "abc", topic: WatchTopic(resource: "services", namespace: "default"))
        #expect(subscription.bytes == Data("\0auth\0abc\0services/default/".utf8))
    }
}
