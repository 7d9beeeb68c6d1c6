import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Testing

/// Pub/sub drops messages; watches must not lose anything. With high-water marks of 10 messages on both ends,
/// bursts of group-committed writes really are dropped, and the informers must notice (gaps, relists) and still
/// end with exactly the store's state, never showing a handler an older version after a newer one.
@Suite(.serialized) struct WatchDropTests {
    @Test func tinyHighWaterMarksDropMessagesAndInformersStillConverge() async throws {
        let cluster = try await WatchCluster(watch: WatchPublisherOptions(bookmarkInterval: WatchCluster.bookmarkInterval, sendHighWaterMark: 10))
        defer { Task { await cluster.close() } }
        let namespaces = ["drop-0", "drop-1"]
        for namespace in namespaces { try await cluster.createNamespace(namespace) }
        let options = InformerOptions(bookmarkInterval: WatchCluster.bookmarkInterval, silenceIntervals: 10, receiveHighWaterMark: 10,
                                      relistInitial: .milliseconds(20), relistMax: .milliseconds(500))
        let informers = [
            RunningInformer(try cluster.informer(Service.self, options: options)),
            RunningInformer(try cluster.informer(Service.self, options: options), slowHandler: .milliseconds(1)),
            RunningInformer(try cluster.informer(Service.self, namespace: "drop-1", options: options)),
        ]
        defer { Task { for informer in informers { await informer.stop() } } }
        for informer in informers { #expect(await informer.informer.waitForSync()) }

        let writes = try await cluster.churn(namespaces: namespaces, workers: 64, namesPerWorker: 4, rounds: 7)
        #expect(writes == 64 * 4 * 7)

        for (informer, namespace) in zip(informers, ["", "", "drop-1"]) {
            let (stored, revision) = try await cluster.storedServices(namespace: namespace)
            try await eventually("the informer for \(informer.informer.topic) converged", explain: { "\(informer.informer.statistics)" }) {
                informer.informer.lastSyncRevision >= revision
            }
            #expect(informer.cached == stored, "\(informer.informer.topic)")
            try await eventually("the handlers of \(informer.informer.topic) caught up") { informer.recorder.live == stored }
            #expect(informer.recorder.violations.isEmpty, "\(informer.recorder.violations.prefix(5))")
        }
        let statistics = informers.map(\.informer.statistics)
        print("WatchDropTests: \(writes) writes; informers: \(statistics)")
        #expect(statistics.allSatisfy { $0.gaps > 0 && $0.relists > 0 }, "\(statistics)")
    }
}
