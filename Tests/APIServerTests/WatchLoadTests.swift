import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// Order and completeness under load: thousands of concurrent writes watched by several informers (all
/// namespaces and one namespace) that must end with exactly the store's state, having told their handlers every
/// object's versions in increasing order, without a single relist (nothing is dropped at the default marks).
@Suite(.serialized) struct WatchLoadTests {
    @Test func thousandsOfWritesReachEveryInformerInOrder() async throws {
        let cluster = try await WatchCluster()
        defer { Task { await cluster.close() } }
        let namespaces = ["load-0", "load-1", "load-2"]
        for namespace in namespaces { try await cluster.createNamespace(namespace) }
        let all = try (0..<3).map { _ in RunningInformer(try cluster.informer(Service.self)) }
        let scoped = try ["load-0", "load-1"].map { RunningInformer(try cluster.informer(Service.self, namespace: $0)) }
        defer { Task { for informer in all + scoped { await informer.stop() } } }
        for informer in all + scoped { #expect(await informer.informer.waitForSync()) }

        let started = ContinuousClock.now
        let writes = try await cluster.churn(namespaces: namespaces, workers: 48, namesPerWorker: 8, rounds: 7)
        let elapsed = ContinuousClock.now - started
        print("WatchLoadTests: \(writes) writes in \(elapsed), watched by \(all.count + scoped.count) informers")

        for (informer, namespace) in zip(all + scoped, ["", "", "", "load-0", "load-1"]) {
            let (stored, revision) = try await cluster.storedServices(namespace: namespace)
            try await eventually("the informer for \(informer.informer.topic) is current") {
                informer.informer.lastSyncRevision >= revision
            }
            #expect(informer.cached == stored, "\(informer.informer.topic)")
            try await eventually("the handlers of \(informer.informer.topic) caught up") { informer.recorder.live == stored }
            #expect(informer.recorder.violations.isEmpty, "\(informer.recorder.violations.prefix(5))")
            let statistics = informer.informer.statistics
            #expect(statistics.relists == 0, "\(informer.informer.topic): \(statistics)")
            #expect(statistics.events >= (namespace.isEmpty ? writes : 1), "\(statistics)")
        }
    }
}
