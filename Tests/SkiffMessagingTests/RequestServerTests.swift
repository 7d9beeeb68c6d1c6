import CZeroMQ
import Foundation
import SkiffMessaging
import Testing

@Suite struct RequestServerTests {
    @Test func bindingABusyAddressFailsClearly() async throws {
        let server = try echoServer()
        #expect {
            _ = try RequestServer(endpoint: server.endpoint) { _ in Response(code: 200) }
        } throws: { error in
            (error as? MessagingError)?.message == "bind \(server.endpoint): Address already in use"
        }
        try await server.stop()
    }

    @Test func bindingABusyIPCPathFailsButAStaleFileIsReplaced() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoint = "ipc://\(directory.path)/api.sock"
        let server = try echoServer(endpoint: endpoint)
        #expect {
            _ = try RequestServer(endpoint: endpoint) { _ in Response(code: 200) }
        } throws: { error in
            (error as? MessagingError)?.message.hasPrefix("bind \(endpoint): Address already in use") == true
        }
        try await server.stop()

        _ = FileManager.default.createFile(atPath: "\(directory.path)/api.sock", contents: Data())  // left by a crash
        let second = try echoServer(endpoint: endpoint)
        let connection = try Connection(endpoint: endpoint)
        #expect(text(try await connection.call(get("again")).body) == "again:")
        connection.close()
        try await second.stop()
    }

    @Test(arguments: ["tcp://127.0.0.1", "udp://127.0.0.1:1", "tcp://256.0.0.1:1"])
    func bindingAnInvalidAddressFails(_ endpoint: String) {
        #expect {
            _ = try RequestServer(endpoint: endpoint) { _ in Response(code: 200) }
        } throws: { error in
            guard let error = error as? MessagingError else { return false }
            return error.code == .zmq && error.message.hasPrefix("bind \(endpoint): ")
        }
    }

    @Test func malformedRequestsGet400WhenTheyHaveAnIDAndAreDroppedOtherwise() async throws {
        let server = try echoServer()
        let tag = Data("SKIFF/1".utf8)
        func id(_ value: UInt8) -> Data { Data([0, 0, 0, 0, 0, 0, 0, value]) }
        let replies = try await exchange(with: server.endpoint, [
            [Data("garbage".utf8)],                                              // no id: dropped
            [tag, id(1), Data("{nope".utf8), Data()],                             // bad JSON
            [tag, id(2), Data(#"{"verb":"patch"}"#.utf8), Data()],                // unknown verb
            [Data("SKIFF/2".utf8), id(3), Data(#"{"verb":"get"}"#.utf8), Data()], // other protocol
            [tag, id(4), Data(#"{"verb":"get"}"#.utf8)],                          // a frame missing
            [tag, Data([1, 2]), Data(#"{"verb":"get"}"#.utf8), Data()],           // no readable id: dropped
            [tag, id(5), Data(#"{"verb":"get","name":"ok"}"#.utf8), Data()],      // fine
        ], expecting: 5).sorted { $0.id < $1.id }  // handlers run concurrently: replies come in any order
        try #require(replies.map(\.id) == [1, 2, 3, 4, 5], "nothing answered the messages without an id")
        for reply in replies.prefix(4) {
            #expect(reply.response.code == 400)
            let status = try #require(try JSONSerialization.jsonObject(with: reply.response.body) as? [String: Any])
            #expect(status["kind"] as? String == "Status")
            #expect(status["reason"] as? String == "BadRequest")
            #expect(status["code"] as? Int == 400)
        }
        #expect(text(replies[1].response.body).contains(#"unknown verb \"patch\""#))
        #expect(replies[4].response == Response(code: 200, body: Data("ok:".utf8)))
        try await server.stop()
    }

    @Test func shutdownAnswersRequestsInFlightAndRefusesNewOnes() async throws {
        let gate = Gate()
        let activity = Activity()
        let server = try RunningServer { request in
            activity.begin(request.name)
            await gate.wait()
            return Response(code: 200, body: Data(request.name.utf8))
        }
        let connection = try Connection(endpoint: server.endpoint)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<10 {
                group.addTask {
                    let response = try await connection.call(get("r\(index)"))
                    #expect(text(response.body) == "r\(index)")
                }
            }
            try await waitUntil("10 requests are being handled") { activity.started == 10 }
            server.server.shutdown()
            let refused = try await connection.call(get("late"))
            #expect(refused.code == 503, "a request after shutdown() is refused, not executed")
            #expect(text(refused.body).contains("shutting down"))
            #expect(activity.started == 10)
            #expect(!server.runReturned.isSet, "run() waits for the requests in flight")
            gate.open()
            try await group.waitForAll()
        }
        try await server.task.value
        connection.close()
    }

    @Test func shutdownGivesUpOnHandlersAfterTheDrainTimeout() async throws {
        let gate = Gate()
        let activity = Activity()
        let server = try RunningServer(options: RequestServerOptions(drainTimeout: .milliseconds(200))) { request in
            activity.begin(request.name)
            await gate.wait()
            return Response(code: 200)
        }
        let connection = try Connection(endpoint: server.endpoint)
        let call = Task { try await connection.call(get("stuck"), timeout: .seconds(2)) }
        try await waitUntil("the request is being handled") { activity.started == 1 }
        let started = ContinuousClock.now
        try await server.stop()
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        #expect((await call.result.failure as? MessagingError)?.code == .timeout)
        gate.open()
        connection.close()
    }

    @Test func atTheCapTheServerStopsReading() async throws {
        let gate = Gate()
        let activity = Activity()
        let server = try RunningServer(options: RequestServerOptions(maxInFlight: 4)) { request in
            activity.begin(request.name)
            await gate.wait()
            activity.end()
            return Response(code: 200, body: Data(request.name.utf8))
        }
        let connection = try Connection(endpoint: server.endpoint)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask {
                    let response = try await connection.call(get("r\(index)"))
                    #expect(text(response.body) == "r\(index)")
                }
            }
            try await waitUntil("4 requests are being handled") { activity.started == 4 }
            // A negative check needs a window: without the cap the other 8 would start within microseconds.
            try await Task.sleep(for: .milliseconds(200))
            #expect(activity.started == 4, "the server read past its cap")
            gate.open()
            try await group.waitForAll()
        }
        #expect(activity.started == 12)
        #expect(activity.maxRunning == 4)
        connection.close()
        try await server.stop()
    }

    enum Transport: String, CaseIterable, Sendable { case tcp, ipc }

    @Test(arguments: Transport.allCases)
    func clientSurvivesAServerRestart(over transport: Transport) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = try RunningServer(endpoint: transport == .tcp ? "tcp://127.0.0.1:0" : "ipc://\(directory.path)/api.sock") { _ in
            Response(code: 200, body: Data("first".utf8))
        }
        let endpoint = first.endpoint
        let connection = try Connection(endpoint: endpoint)
        #expect(text(try await connection.call(get("a")).body) == "first")
        try await first.stop()

        let whileDown = await callError(connection, get("b"), timeout: .milliseconds(300))
        #expect(whileDown?.code == .unreachable || whileDown?.code == .timeout)

        // The old listener closes in ZeroMQ's I/O thread, so the port may be busy for a moment.
        var second: RunningServer?
        try await waitUntil("the endpoint can be bound again") {
            second = try? RunningServer(endpoint: endpoint) { _ in Response(code: 200, body: Data("second".utf8)) }
            return second != nil
        }
        try await waitUntil("the client reaches the restarted server") {
            (try? await connection.call(get("c"), timeout: .milliseconds(500)))?.body == Data("second".utf8)
        }
        connection.close()
        try await second?.stop()
    }

    /// Sends raw multipart messages from a plain DEALER and collects `count` replies (5 s at most).
    /// Sends raw frames from a DEALER and collects `count` replies (5 s at most). The blocking socket calls run on
    /// a thread of their own: on the cooperative pool (2 threads on a 2-core machine) they could starve the very
    /// server tasks that answer them.
    private func exchange(with endpoint: String, _ messages: [[Data]], expecting count: Int) async throws -> [(id: UInt64, response: Response)] {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result { try Self.blockingExchange(with: endpoint, messages, expecting: count) })
            }.start()
        }
    }

    private static func blockingExchange(with endpoint: String, _ messages: [[Data]], expecting count: Int) throws -> [(id: UInt64, response: Response)] {
        let dealer = try ZMQSocket(.dealer)
        try dealer.setOption(ZMQ_LINGER, 0)
        try dealer.connect(endpoint)
        for message in messages where try dealer.send(message) != .sent { throw MessagingError(.zmq, "send failed") }
        var replies: [(id: UInt64, response: Response)] = []
        let deadline = ContinuousClock.now + .seconds(5)
        while replies.count < count, ContinuousClock.now < deadline {
            guard try dealer.waitForMessage(timeout: deadline - .now), let frames = try dealer.receive() else { continue }
            replies.append(try Wire.decodeReply(frames))
        }
        dealer.close()
        return replies
    }
}
