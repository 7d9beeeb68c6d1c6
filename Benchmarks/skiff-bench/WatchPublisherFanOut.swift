import Foundation
import SkiffAPI
import SkiffMessaging

/// Fan-out of the watch alone, without the apiserver's write path: a `WatchPublisher` in this process is handed
/// `events` Service changes (real stored Services: the apiserver's reply to a create, renamed) as fast as it
/// takes them, and `subscribers` real informers (same as the other runs) receive, check, decode and deliver them.
/// A minimal request server answers their discover and an empty list. With the apiserver, the writer (about
/// 2,000 commits/s on these cores) caps fan-out at 10 × its rate; this shows what the watch itself delivers.
struct WatchPublisherFanOutLoad {
    let sample: Data
    let subscribers: Int
    let events: Int

    struct Result {
        var delivered: Int
        var eventsPerSecond: Double
        var clientCores: Double
        var relists: Int
    }

    func run() async throws -> Result {
        let publisher = try WatchPublisher(endpoint: "tcp://127.0.0.1:0", options: .init(sendHighWaterMark: 200_000))
        let publishing = Task { try await publisher.run(baseline: 0) }
        let watchEndpoint = publisher.boundEndpoint
        let server = try RequestServer(endpoint: "tcp://127.0.0.1:0") { request in
            switch request.verb {
            case .discover: Response(code: 200, body: Data(#"{"watchEndpoint":"\#(watchEndpoint)","revision":"0","resources":[]}"#.utf8))
            case .list: Response(code: 200, body: Data(#"{"kind":"ServiceList","metadata":{"resourceVersion":"0"},"items":[]}"#.utf8))
            default: Response(code: 404)
            }
        }
        let serving = Task { try await server.run() }
        defer {
            publisher.shutdown()
            server.shutdown()
            publishing.cancel()
            serving.cancel()
        }
        let changes = try makeChanges()
        let group = try await Subscribers.start(count: subscribers, endpoint: server.boundEndpoint, prefix: "pub-", recordTimes: false)
        let cpu = processCPUSeconds()
        let start = ContinuousClock.now
        for first in stride(from: 0, to: changes.count, by: 64) {
            publisher.publish(Array(changes[first..<min(first + 64, changes.count)]))
        }
        _ = await group.waitForDelivered(events * subscribers, timeout: .seconds(120))
        let seconds = (ContinuousClock.now - start).milliseconds / 1000
        let cores = (processCPUSeconds() - cpu) / seconds
        let (delivered, relists) = (group.delivered, group.relists)
        await group.stop()
        return Result(delivered: delivered, eventsPerSecond: Double(delivered) / seconds, clientCores: cores, relists: relists)
    }

    /// `events` ADDED changes of distinct Services, each the sample with another name and its own revision.
    private func makeChanges() throws -> [WatchPublisher.Change] {
        var service = try JSONDecoder().decode(Service.self, from: sample)
        let encoder = JSONEncoder()
        return try (1...events).map { revision in
            service.metadata.name = "pub-\(revision)"
            service.metadata.resourceVersion = String(revision)
            return WatchPublisher.Change(type: .added, resource: "services", namespace: "default", revision: Int64(revision),
                                         object: try encoder.encode(service))
        }
    }
}
