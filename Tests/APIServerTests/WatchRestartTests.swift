import APIServer
import Foundation
import SkiffAPI
import SkiffMessaging
import Synchronization
import Testing

/// An apiserver restart in the middle of a watch, with writes going on before, during and after: informers keep
/// their cache while it is away, notice the new epoch, relist, and end with exactly the store's state.
/// (Tests/E2ETests/WatchTests.swift does the same with SIGKILL and the real executable.)
@Suite(.serialized) struct WatchRestartTests {
    /// Writes until stopped: creates new Services and deletes older ones, ignoring failures while the server is away.
    final class Writer: Sendable {
        private let stopped = Atomic<Bool>(false)
        private let count = Atomic<Int>(0)
        var writes: Int { count.load(ordering: .relaxed) }

        func run(_ cluster: WatchCluster) async {
            var index = 0
            while !stopped.load(ordering: .relaxed) {
                index += 1
                do {
                    let response = index % 3 == 0
                        ? try await cluster.call(.delete, "services", namespace: "default", name: "r-\(index - 2)", timeout: .seconds(2))
                        : try await cluster.call(.create, "services", namespace: "default",
                                                 body: try Self.body("r-\(index)"), timeout: .seconds(2))
                    if response.code < 300 { count.add(1, ordering: .relaxed) }
                } catch {
                    try? await Task.sleep(for: .milliseconds(20))  // the server is away: try the next one
                }
            }
        }

        func stop() { stopped.store(true, ordering: .relaxed) }

        static func body(_ name: String) throws -> Data {
            try JSONEncoder().encode(Service(metadata: ObjectMeta(name: name, namespace: "default"),
                                             spec: ServiceSpec(ports: [ServicePort(name: "http", port: 80)], clusterIP: "None")))
        }
    }

    @Test func informersSurviveARestartWhileWritesGoOn() async throws {
        let cluster = try await WatchCluster()
        defer { Task { await cluster.close() } }
        let all = RunningInformer(try cluster.informer(Service.self))
        let scoped = RunningInformer(try cluster.informer(Service.self, namespace: "default"))
        defer { Task { await all.stop(); await scoped.stop() } }
        #expect(await all.informer.waitForSync())
        #expect(await scoped.informer.waitForSync())

        let writer = Writer()
        let writing = Task { await writer.run(cluster) }
        try await eventually("writes are watched") { all.informer.statistics.events >= 50 }

        try await cluster.stop()
        #expect(all.informer.hasSynced)
        #expect(!all.informer.list().isEmpty, "the cache is kept while the apiserver is away")
        try await cluster.start()

        try await eventually("the informers noticed the restart", explain: { "\(all.informer.statistics)" }) {
            all.informer.statistics.lists >= 2 && scoped.informer.statistics.lists >= 2
        }
        let afterRestart = writer.writes
        try await eventually("writes go on after the restart") { writer.writes >= afterRestart + 50 }
        writer.stop()
        await writing.value

        print("WatchRestartTests: \(writer.writes) writes; informers: \([all, scoped].map(\.informer.statistics))")
        for informer in [all, scoped] {
            let (stored, revision) = try await cluster.storedServices(namespace: informer.informer.namespace ?? "")
            try await eventually("\(informer.informer.topic) converged", explain: { "\(informer.informer.statistics)" }) {
                informer.informer.lastSyncRevision >= revision
            }
            #expect(informer.cached == stored)
            try await eventually("the handlers of \(informer.informer.topic) caught up") { informer.recorder.live == stored }
            #expect(informer.recorder.violations.isEmpty, "\(informer.recorder.violations.prefix(5))")
            #expect(informer.informer.statistics.epochChanges + informer.informer.statistics.silences >= 1,
                    "\(informer.informer.statistics)")
        }
    }

    /// The apiserver comes back with its watch socket elsewhere: the old channel stays silent, the informer
    /// rediscovers, reconnects and relists, keeping its cache meanwhile.
    @Test func aSilentChannelIsReconnectedThroughDiscovery() async throws {
        let cluster = try await WatchCluster()
        defer { Task { await cluster.close() } }
        let informer = RunningInformer(try cluster.informer(Service.self, options: InformerOptions(
            bookmarkInterval: WatchCluster.bookmarkInterval, silenceIntervals: 3, retryMax: .milliseconds(200))))
        defer { Task { await informer.stop() } }
        #expect(await informer.informer.waitForSync())
        try await cluster.putService("before", namespace: "default", version: 1, create: true)
        try await eventually("the write is watched") { informer.informer.get(namespace: "default", name: "before") != nil }

        try await cluster.stop()
        try await eventually("the channel is found silent") { informer.informer.statistics.silences >= 1 }
        #expect(informer.informer.get(namespace: "default", name: "before") != nil)
        cluster.options.watchListen = "ipc://\(cluster.directory.path)/watch-2.sock"
        try await cluster.start()
        try await cluster.putService("after", namespace: "default", version: 1, create: true)
        _ = try await cluster.call(.delete, "services", namespace: "default", name: "before")

        let (stored, revision) = try await cluster.storedServices()
        try await eventually("the informer converged", explain: { "\(informer.informer.statistics)" }) {
            informer.informer.lastSyncRevision >= revision
        }
        #expect(informer.cached == stored)
        #expect(informer.informer.statistics.connects >= 2, "\(informer.informer.statistics)")
        try await eventually("the handlers caught up") { informer.recorder.live == stored }
        #expect(informer.recorder.violations.isEmpty, "\(informer.recorder.violations)")
    }
}
