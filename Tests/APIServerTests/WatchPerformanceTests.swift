import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Synchronization
import Testing

/// The speed targets, measured in-process with the real apiserver (`make bench` measures them again in a
/// release build). These print numbers and assert only correctness, since timing depends on the build and machine.
@Suite(.serialized) struct WatchPerformanceTests {
    @Test func commitToHandlerLatencyWithTenInformersAtAThousandWritesPerSecond() async throws {
        let cluster = try await WatchCluster()
        defer { Task { await cluster.close() } }
        let seen = Locked<[Int64: [ContinuousClock.Instant]]>([:])
        let informers = try (0..<10).map { _ in try cluster.informer(Service.self) }
        for informer in informers {
            informer.addHandlers(onAdd: { service in
                guard service.name.hasPrefix("lat-") else { return }  // not the system objects of the first list
                let now = ContinuousClock.now
                seen.withLock { $0[ObjectCache<Service>.revision(of: service), default: []].append(now) }
            })
        }
        let running = informers.map { informer in Task { try await informer.run() } }
        defer { for task in running { task.cancel() } }
        for informer in informers { #expect(await informer.waitForSync()) }

        let total = 2000
        /// Per revision: when its write was sent, and when its reply came (the commit happened in between).
        let committed = Locked<[Int64: (sent: ContinuousClock.Instant, replied: ContinuousClock.Instant)]>([:])
        let start = ContinuousClock.now + .milliseconds(10)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                try await Task.sleep(until: start + .milliseconds(index), clock: .continuous)
                group.addTask {
                    let sent = ContinuousClock.now
                    let response = try await cluster.putService("lat-\(index)", namespace: "default", version: 1, create: true)
                    let now = ContinuousClock.now
                    let revision = ObjectCache<Service>.revision(of: try JSONDecoder().decode(Service.self, from: response.body))
                    committed.withLock { $0[revision] = (sent, now) }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        try await eventually("every informer saw every write", explain: {
            let odd = seen.withLock { seen in seen.filter { $0.value.count != informers.count }.map { "\($0.key): \($0.value.count)" } }
            return "\(seen.withLock { $0.count }) revisions seen, \(odd.count) not by all: \(odd.prefix(5)); \(informers.map(\.statistics))"
        }) {
            seen.withLock { $0.count == total && $0.values.allSatisfy { $0.count == informers.count } }
        }
        // The commit happens between the request and its reply, so commit → handler lies between these two.
        let (upper, lower) = committed.withLock { committed in
            seen.withLock { seen in
                (committed.flatMap { revision, times in seen[revision, default: []].map { $0 - times.sent } }.sorted(),
                 committed.flatMap { revision, times in seen[revision, default: []].map { max($0 - times.replied, .zero) } }.sorted())
            }
        }
        #expect(upper.count == total * informers.count)
        func percentile(_ values: [Duration], _ p: Double) -> Duration { values[min(values.count - 1, Int(Double(values.count) * p))] }
        print("""
            WatchPerformanceTests: \(total) writes in \(elapsed) to \(informers.count) informers; \
            request → handler p50 \(percentile(upper, 0.5)), p99 \(percentile(upper, 0.99)); \
            reply → handler p50 \(percentile(lower, 0.5)), p99 \(percentile(lower, 0.99))
            """)
        for informer in informers { #expect(informer.statistics.relists == 0) }
    }

    @Test func listAndRelistOfTenThousandObjects() async throws {
        let cluster = try await WatchCluster()
        defer { Task { await cluster.close() } }
        for chunk in 0..<10 {
            let items = (0..<1000).map { index -> Service in
                Service(metadata: ObjectMeta(name: "bulk-\(chunk)-\(index)", namespace: "default", labels: ["chunk": String(chunk)]),
                        spec: ServiceSpec(selector: ["app": "bulk"], ports: [ServicePort(name: "http", port: 80)], clusterIP: "None"))
            }
            let body = try JSONSerialization.data(withJSONObject: [
                "kind": "List", "apiVersion": "v1",
                "items": try items.map { try JSONSerialization.jsonObject(with: JSONEncoder().encode($0)) },
            ])
            let response = try await cluster.call(.apply, "", namespace: "default", body: body, timeout: .seconds(60))
            try WatchCluster.expect(response, [200])
        }

        let informer = RunningInformer(try cluster.informer(Service.self))
        defer { Task { await informer.stop() } }
        let started = ContinuousClock.now
        #expect(await informer.informer.waitForSync())
        let firstList = ContinuousClock.now - started
        #expect(informer.informer.list().count >= 10_000)
        #expect(informer.informer.byLabel("chunk", "7").count == 1000)

        // A relist with a full cache: the restart makes it relist and diff 10,000 objects against the list.
        try await cluster.stop()
        try await cluster.start()
        let restarted = ContinuousClock.now
        try await eventually("the informer relisted") { informer.informer.statistics.lists >= 2 }
        let relist = ContinuousClock.now - restarted
        print("WatchPerformanceTests: first list of \(informer.informer.list().count) objects synced in \(firstList); relist after a restart in \(relist)")
        try await eventually("the handlers saw all of them") { informer.recorder.live.count == informer.informer.list().count }
        #expect(informer.recorder.violations.isEmpty)
    }
}

/// A value behind a lock, shareable between tasks.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
