import Foundation
import SkiffMessaging
import Synchronization
import Testing

@Suite struct ConnectionTests {
    enum Transport: String, CaseIterable, Sendable { case tcp, ipc }

    @Test(arguments: Transport.allCases)
    func requestAndReply(over transport: Transport) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoint = transport == .tcp ? "tcp://127.0.0.1:0" : "ipc://\(directory.path)/api.sock"
        let server = try RunningServer(endpoint: endpoint) { request in
            // Echo every field, so the test sees the request arrive intact.
            let fields = [request.verb.rawValue, request.resource, request.namespace, request.name, request.token ?? "-",
                          request.params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "&")]
            return Response(code: 201, body: Data(fields.joined(separator: "|").utf8) + request.body)
        }
        if transport == .tcp {
            #expect(server.endpoint.hasPrefix("tcp://127.0.0.1:") && !server.endpoint.hasSuffix(":0"), "port 0 resolved: \(server.endpoint)")
        } else {
            #expect(server.endpoint == endpoint)
        }
        let connection = try Connection(endpoint: server.endpoint)
        let request = Request(verb: .create, resource: "services", namespace: "default", name: "web", token: "t0k",
                              params: ["dryRun": "All", "labelSelector": "a=b"], body: Data(#"{"kind":"Service"}"#.utf8))
        let response = try await connection.call(request)
        #expect(response.code == 201)
        #expect(text(response.body) == #"create|services|default|web|t0k|dryRun=All&labelSelector=a=b{"kind":"Service"}"#)
        connection.close()
        try await server.stop()
    }

    @Test func thousandConcurrentCallsGetTheirOwnReplies() async throws {
        let server = try RunningServer { request in
            try? await Task.sleep(for: .microseconds(Int.random(in: 0...5_000)))
            let index = Int(request.name.dropFirst()) ?? -1
            return Response(code: 200 + index % 7, body: Data("reply-\(request.name)".utf8) + request.body)
        }
        let connection = try Connection(endpoint: server.endpoint)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<1_000 {
                group.addTask {
                    let response = try await connection.call(get("r\(index)", body: "#\(index)"))
                    #expect(response.code == 200 + index % 7)
                    #expect(text(response.body) == "reply-r\(index)#\(index)")
                }
            }
            try await group.waitForAll()
        }
        #expect(connection.droppedReplies == 0)
        connection.close()
        try await server.stop()
    }

    @Test func repliesMayComeBackOutOfOrder() async throws {
        let gate = Gate()
        let activity = Activity()
        let server = try RunningServer { request in
            activity.begin(request.name)
            if request.name == "first" { await gate.wait() }
            return Response(code: 200, body: Data(request.name.utf8))
        }
        let connection = try Connection(endpoint: server.endpoint)
        let firstDone = Flag()
        let first = Task {
            defer { firstDone.set() }
            return try await connection.call(get("first"))
        }
        try await waitUntil("the first request is being handled") { activity.names.contains("first") }
        let second = try await connection.call(get("second"))
        #expect(text(second.body) == "second")
        #expect(!firstDone.isSet, "the second reply overtook the first")
        gate.open()
        #expect(text(try await first.value.body) == "first")
        connection.close()
        try await server.stop()
    }

    @Test func unreachableWhenNothingListens() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoint = "ipc://\(directory.path)/nobody.sock"
        let connection = try Connection(endpoint: endpoint)
        let started = ContinuousClock.now
        let error = await callError(connection, get("x"), timeout: .milliseconds(250))
        #expect(error?.code == .unreachable)
        #expect(error?.message == "no connection to \(endpoint) within 0.25s; is the apiserver running?")
        #expect(ContinuousClock.now - started >= .milliseconds(250))
        connection.close()
    }

    @Test func timeoutWhenNoReplyAndTheLateReplyIsDropped() async throws {
        let gate = Gate()
        let activity = Activity()
        let server = try RunningServer { request in
            activity.begin(request.name)
            if request.name == "slow" { await gate.wait() }
            return Response(code: 200, body: Data(request.name.utf8))
        }
        let connection = try Connection(endpoint: server.endpoint)
        let error = await callError(connection, get("slow"), timeout: .milliseconds(300))
        #expect(error?.code == .timeout)
        #expect(error?.message == "no reply from \(server.endpoint) within 0.3s; the request may or may not have been applied")
        gate.open()
        try await waitUntil("the late reply arrived and was dropped") { connection.droppedReplies == 1 }
        #expect(text(try await connection.call(get("fast")).body) == "fast", "the next call gets its own reply")
        connection.close()
        try await server.stop()
    }

    @Test func cancellingASentCall() async throws {
        let gate = Gate()
        let activity = Activity()
        let server = try RunningServer { request in
            activity.begin(request.name)
            await gate.wait()
            return Response(code: 200, body: Data(request.name.utf8))
        }
        let connection = try Connection(endpoint: server.endpoint)
        let call = Task { try await connection.call(get("hanging"), timeout: .seconds(60)) }
        try await waitUntil("the request is being handled") { activity.started == 1 }
        call.cancel()
        let result = await call.result
        #expect((try? result.get()) == nil)
        let error = try #require(result.failure as? MessagingError)
        #expect(error.code == .cancelled)
        #expect(error.message.contains("after it was sent"))
        gate.open()
        try await waitUntil("the reply to the cancelled call was dropped") { connection.droppedReplies == 1 }
        connection.close()
        try await server.stop()
    }

    @Test func cancellingAnUnsentCall() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try Connection(endpoint: "ipc://\(directory.path)/nobody.sock")
        let started = ContinuousClock.now
        let call = Task { try await connection.call(get("x"), timeout: .seconds(60)) }
        call.cancel()
        let error = try #require(await call.result.failure as? MessagingError)
        #expect(error.code == .cancelled)
        #expect(error.message.contains("before it was sent"))
        #expect(ContinuousClock.now - started < .seconds(10))

        let cancelledTask = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await connection.call(get("y"))
        }
        #expect((await cancelledTask.result.failure as? MessagingError)?.code == .cancelled)
        connection.close()
    }

    @Test func closeFailsCallsInFlightAndLaterCalls() async throws {
        let gate = Gate()
        let activity = Activity()
        let server = try RunningServer { request in
            activity.begin(request.name)
            await gate.wait()
            return Response(code: 200)
        }
        let connection = try Connection(endpoint: server.endpoint)
        let call = Task { try await connection.call(get("a")) }
        try await waitUntil("the request is being handled") { activity.started == 1 }
        connection.close()
        let error = try #require(await call.result.failure as? MessagingError)
        #expect(error.code == .closed)
        #expect(error.message.contains("may or may not have been applied"))
        #expect(await callError(connection, get("b"))?.code == .closed)
        gate.open()
        try await server.stop()
    }

    @Test(arguments: ["tcp://127.0.0.1", "http://127.0.0.1:80", "nonsense"])
    func invalidEndpoint(_ endpoint: String) {
        #expect {
            _ = try Connection(endpoint: endpoint)
        } throws: { error in
            guard let error = error as? MessagingError else { return false }
            return error.code == .zmq && error.message.hasPrefix("connect \(endpoint): ")
        }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
