import CZeroMQ
import Foundation
@testable import SkiffMessaging
import Testing

/// The XPUB side on its own, seen through raw SUB sockets: topics, chains, bookmarks, welcomes.
@Suite struct WatchPublisherTests {
    /// A running publisher whose `run()` is awaited by `stop()`.
    struct RunningPublisher {
        let publisher: WatchPublisher
        let task: Task<Void, any Error>

        init(baseline: Int64 = 100, options: WatchPublisherOptions = .init()) throws {
            let publisher = try WatchPublisher(endpoint: "tcp://127.0.0.1:0", options: options)
            self.publisher = publisher
            task = Task { try await publisher.run(baseline: baseline) }
        }

        func stop() async throws {
            publisher.shutdown()
            try await task.value
        }
    }

    /// A SUB socket used from the test's task only.
    final class Subscriber: @unchecked Sendable {
        let socket: ZMQSocket

        init(_ endpoint: String, prefixes: [String]) throws {
            socket = try ZMQSocket(.sub)
            try socket.setOption(ZMQ_LINGER, 0)
            for prefix in prefixes { try socket.setOption(ZMQ_SUBSCRIBE, bytes: Array(prefix.utf8)) }
            try socket.connect(endpoint)
        }

        deinit { socket.close() }

        /// The next message, or an error after `timeout`. Polls without blocking the test's thread, which the
        /// publisher's task may need.
        func next(timeout: Duration = .seconds(5)) async throws -> WatchMessage {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if let frames = try socket.receive() { return try WatchWire.decode(frames) }
                if try !socket.waitForMessage(timeout: .milliseconds(1)) { try await Task.sleep(for: .milliseconds(1)) }
            }
            throw MessagingError(.timeout, "no watch message within \(timeout)")
        }

        /// The next message that is not a bookmark.
        func nextEvent(timeout: Duration = .seconds(5)) async throws -> WatchMessage {
            while true {
                let message = try await next(timeout: timeout)
                if message.type != .bookmark { return message }
            }
        }
    }

    static func change(_ resource: String, _ namespace: String, _ revision: Int64, _ type: WatchEventType = .added) -> WatchPublisher.Change {
        WatchPublisher.Change(type: type, resource: resource, namespace: namespace, revision: revision,
                              object: Data(#"{"r":\#(revision)}"#.utf8))
    }

    @Test func aNewSubscriptionIsWelcomedWithABookmarkAtTheBaseline() async throws {
        let running = try RunningPublisher(baseline: 100)
        defer { Task { try await running.stop() } }
        let subscriber = try Subscriber(running.publisher.boundEndpoint, prefixes: ["services/"])
        let welcome = try await subscriber.next()
        #expect(welcome.type == .bookmark)
        #expect(welcome.topic == WatchTopic(resource: "services", namespace: nil))
        #expect([welcome.revision, welcome.previousOnKind, welcome.previousOnTopic] == [100, 100, 100])
        #expect(welcome.epoch == running.publisher.epoch)
        #expect(WatchWire.bookmarkInterval(welcome.object) == .seconds(1))
    }

    @Test func eventsCarryThePreviousRevisionsOfTheirKindAndTopic() async throws {
        let running = try RunningPublisher(baseline: 100)
        defer { Task { try await running.stop() } }
        let all = try Subscriber(running.publisher.boundEndpoint, prefixes: ["endpoints/"])
        let one = try Subscriber(running.publisher.boundEndpoint, prefixes: ["endpoints/b/"])
        _ = try await all.next()
        _ = try await one.next()  // welcomes: the subscriptions are live

        running.publisher.publish([
            Self.change("endpoints", "a", 101), Self.change("endpointslices", "a", 102), Self.change("endpoints", "b", 103, .modified),
            Self.change("services", "b", 104), Self.change("endpoints", "a", 105, .deleted), Self.change("endpoints", "b", 106),
        ])
        var seen: [WatchMessage] = []
        for _ in 0..<4 { seen.append(try await all.nextEvent()) }
        #expect(seen.map(\.revision) == [101, 103, 105, 106])  // not endpointslices: the prefix ends with "/"
        #expect(seen.map(\.previousOnKind) == [100, 101, 103, 105])
        #expect(seen.map(\.previousOnTopic) == [100, 100, 101, 103])
        #expect(seen.map(\.type) == [.added, .modified, .deleted, .added])
        #expect(seen[2].object == Data(#"{"r":105}"#.utf8))

        var inB: [WatchMessage] = []
        for _ in 0..<2 { inB.append(try await one.nextEvent()) }
        #expect(inB.map(\.revision) == [103, 106])
        #expect(inB.map(\.previousOnTopic) == [100, 103])
        #expect(inB.allSatisfy { $0.topic == WatchTopic(resource: "endpoints", namespace: "b") })
    }

    @Test func idlePrefixesGetBookmarksWithTheirHeads() async throws {
        let running = try RunningPublisher(baseline: 10, options: .init(bookmarkInterval: .milliseconds(50)))
        defer { Task { try await running.stop() } }
        let all = try Subscriber(running.publisher.boundEndpoint, prefixes: ["pods/"])
        let one = try Subscriber(running.publisher.boundEndpoint, prefixes: ["pods/x/"])
        _ = try await all.next()
        _ = try await one.next()
        running.publisher.publish([Self.change("pods", "x", 11), Self.change("pods", "y", 12), Self.change("nodes", "", 13)])
        #expect(try await one.nextEvent().revision == 11)

        // Bookmarks come once the prefix was idle for an interval; the first ones may predate the events.
        var kindBookmark = try await all.next()
        while kindBookmark.type != .bookmark || kindBookmark.revision < 13 { kindBookmark = try await all.next() }
        #expect(kindBookmark.topic == WatchTopic(resource: "pods", namespace: nil) || kindBookmark.topic.namespace == "x")
        #expect(kindBookmark.previousOnKind == 12)

        var topicBookmark = try await one.next()
        while topicBookmark.type != .bookmark || topicBookmark.revision < 13 { topicBookmark = try await one.next() }
        #expect(topicBookmark.topic == WatchTopic(resource: "pods", namespace: "x"))
        #expect([topicBookmark.previousOnKind, topicBookmark.previousOnTopic] == [12, 11])
    }

    @Test func subscriptionsAreCountedUntilSubscribersLeave() async throws {
        let running = try RunningPublisher()
        defer { Task { try await running.stop() } }
        var subscribers = try (0..<3).map { _ in try Subscriber(running.publisher.boundEndpoint, prefixes: ["services/"]) }
        for subscriber in subscribers { _ = try await subscriber.next() }
        #expect(running.publisher.statistics.subscriptions == 3)
        subscribers.removeLast(2)
        try await waitUntil("two subscribers are gone") { running.publisher.statistics.subscriptions == 1 }
        _ = subscribers
    }

    @Test func shutdownPublishesWhatWasQueuedFirst() async throws {
        let running = try RunningPublisher(baseline: 0)
        let subscriber = try Subscriber(running.publisher.boundEndpoint, prefixes: ["services/"])
        _ = try await subscriber.next()
        running.publisher.publish((Int64(1)...500).map { Self.change("services", "default", $0) })
        try await running.stop()
        var revisions: [Int64] = []
        for _ in 0..<500 { revisions.append(try await subscriber.nextEvent().revision) }
        #expect(revisions == Array(Int64(1)...500))
        #expect(running.publisher.statistics.events == 500)
        running.publisher.publish([Self.change("services", "default", 501)])  // ignored, does not crash
    }
}
