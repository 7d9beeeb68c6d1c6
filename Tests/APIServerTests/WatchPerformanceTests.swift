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
                let now = ContinuousClock.now
                seen.withLock { $0[ObjectCache<Service>.revision(of: service), default: []].append(now) }
            })
        }
        let running = informers.map { informer in Task { try await informer.run() } }
        defer { for task in running { task.cancel() } }
        for informer in informers { #expect(await informer.waitForSync()) }
        seen.withLock { $0 = [:] }

        let total = 2000
        let committed = Locked<[Int64: ContinuousClock.Instant]>([:])
        let start = ContinuousClock.now + .milliseconds(10)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<total {
                try await Task.sleep(until: start + .milliseconds(index), clock: .continuous)
                group.addTask {
                    let response = try await cluster.putService("lat-\(index)", namespace: "default", version: 1, create: true)
                    let now = ContinuousClock.now
                    let revision = ObjectCache<Service>.revision(of: try JSONDecoder().decode(Service.self, from: response.body))
                    committed.withLock { $0[revision] = now }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = ContinuousClock.now - start
        try await eventually("every informer saw every write") {
            seen.withLock { $0.count == total && $0.values.allSatisfy { $0.count == informers.count } }
        }
        let latencies = committed.withLock { committed in
            seen.withLock { seen in
                committed.flatMap { revision, reply in seen[revision, default: []].map { max($0 - reply, .zero) } }.sorted()
            }
        }
        #expect(latencies.count == total * informers.count)
        func percentile(_ p: Double) -> Duration { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print("WatchPerformanceTests: \(total) writes in \(elapsed) to \(informers.count) informers; reply → handler p50 \(percentile(0.5)), p99 \(percentile(0.99)), max \(latencies.last ?? .zero)")
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
