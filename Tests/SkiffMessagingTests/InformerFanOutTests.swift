import Foundation
import Logging
import SkiffAPI
@testable import SkiffMessaging
import Synchronization
import Testing

/// Fan-out through the real transport: one publisher, ten informers (each with its own SUB socket, thread, JSON
/// decoding and cache), behind a minimal request server that answers discover and an empty list. Prints the rate;
/// asserts only that every informer got every event, in order, with no relist.
@Suite(.serialized) struct InformerFanOutTests {
    @Test func tenInformersReceiveEveryEvent() async throws {
        let publisher = try WatchPublisher(endpoint: "tcp://127.0.0.1:0", options: .init(sendHighWaterMark: 200_000))
        let publishing = Task { try await publisher.run(baseline: 0) }
        let watchEndpoint = publisher.boundEndpoint
        let server = try RunningServer { request in
            switch request.verb {
            case .discover: Response(code: 200, body: Data(#"{"watchEndpoint":"\#(watchEndpoint)","revision":"0","resources":[]}"#.utf8))
            case .list: Response(code: 200, body: Data(#"{"kind":"ServiceList","metadata":{"resourceVersion":"0"},"items":[]}"#.utf8))
            default: Response(code: 404)
            }
        }
        let connection = try Connection(endpoint: server.endpoint)
        var logger = Logger(label: "test.informer")
        logger.logLevel = .warning
        let informers = try (0..<10).map { _ in try Informer<Service>(connection: connection, logger: logger) }
        let seen = informers.map { _ in Counter() }
        for (informer, counter) in zip(informers, seen) {
            informer.addHandlers(onAdd: { service in counter.saw(ObjectCache<Service>.revision(of: service)) },
                                 onUpdate: { _, service in counter.saw(ObjectCache<Service>.revision(of: service)) })
        }
        let running = informers.map { informer in Task { try await informer.run() } }
        for informer in informers { #expect(await informer.waitForSync()) }

        let total: Int64 = 20_000
        let changes = (1...total).map { revision in
            var service = Service(metadata: ObjectMeta(name: "svc-\(revision % 1000)", namespace: "ns-\(revision % 7)", labels: ["app": "web"]),
                                  spec: ServiceSpec(selector: ["app": "web"], ports: [ServicePort(name: "http", port: 80)]))
            service.metadata.resourceVersion = String(revision)
            return WatchPublisher.Change(type: revision <= 1000 ? .added : .modified, resource: "services",
                                         namespace: service.namespace, revision: revision, object: try! JSONEncoder().encode(service))
        }
        let started = ContinuousClock.now
        for batch in stride(from: 0, to: changes.count, by: 64) {
            publisher.publish(Array(changes[batch..<min(batch + 64, changes.count)]))
        }
        try await waitUntil("every informer saw every event", timeout: .seconds(120)) {
            seen.allSatisfy { $0.last == total }
        }
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
        print(String(format: "InformerFanOutTests: %lld events × %d informers in %.2f s: %.0f events/s delivered to handlers in total",
                     total, informers.count, seconds, Double(total) * Double(informers.count) / seconds))
        for (informer, counter) in zip(informers, seen) {
            #expect(counter.inOrder)
            #expect(informer.statistics.relists == 0, "\(informer.statistics)")
            #expect(informer.statistics.events == Int(total))
        }
        for task in running { task.cancel() }
        publishing.cancel()
        connection.close()
        try await server.stop()
    }
}

/// The last revision a handler saw, and whether they only went up.
final class Counter: Sendable {
    private let state = Mutex<(last: Int64, inOrder: Bool)>((0, true))
    var last: Int64 { state.withLock { $0.last } }
    var inOrder: Bool { state.withLock { $0.inOrder } }

    func saw(_ revision: Int64) {
        state.withLock { state in
            if revision <= state.last { state.inOrder = false }
            state.last = revision
        }
    }
}
