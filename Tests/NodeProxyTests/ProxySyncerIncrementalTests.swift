import NodeProxy
import SkiffAPI
import Synchronization
import Testing

/// A partial sync does work in proportion to what changed: the proxier is handed only the changed ports, the
/// source is read only for the changed Services, and progress is reported as only the changed Services.
struct ProxySyncerIncrementalTests {
    /// Counts the reads of a `LiteralSource`.
    final class CountingSource: ProxySource {
        let base: LiteralSource
        let reads = Mutex(0)
        init(base: LiteralSource) { self.base = base }
        func service(_ key: ServiceKey) -> Service? {
            reads.withLock { $0 += 1 }
            return base.service(key)
        }
        func slices(of key: ServiceKey) -> [EndpointSlice] { base.slices(of: key) }
    }

    /// Collects what `onProgrammed` is told.
    final class Changes: Sendable {
        let list = Mutex<[ProgrammedChange]>([])
        func record(_ change: ProgrammedChange) { list.withLock { $0.append(change) } }
        var last: ProgrammedChange? { list.withLock { $0.last } }
        var count: Int { list.withLock { $0.count } }
    }

    static let total = 1_000

    func key(_ index: Int) -> ServiceKey { ServiceKey(namespace: "default", name: "s\(index)") }

    /// `total` Services with one endpoint each, synced once (the full sync).
    func loaded() async -> (ProxySyncer, RecordingProxier, LiteralSource, Changes) {
        let proxier = RecordingProxier()
        let changes = Changes()
        let syncer = ProxySyncer(nodeName: "n1", proxier: proxier) { changes.record($0) }
        var source = LiteralSource()
        for index in 0..<Self.total {
            source.services[key(index)] = Fixtures.service("s\(index)", clusterIP: "127.96.\(index / 250).\(index % 250 + 1)")
            source.slices[key(index)] = [Fixtures.slice("s\(index)-1", service: "s\(index)", endpoints: [.init(ip: "127.244.1.\(index % 250 + 1)")])]
        }
        _ = await syncer.sync(keys: Set(source.services.keys), source: source, revision: 10)
        return (syncer, proxier, source, changes)
    }

    @Test func partialSyncTouchesAndReportsOnlyTheChangedServices() async {
        let (syncer, proxier, loadedSource, changes) = await loaded()
        #expect(changes.last?.changed.count == Self.total)
        var base = loadedSource
        base.services[key(1)] = Fixtures.service("s1", clusterIP: "127.96.0.2", ports: [("http", 81, "TCP")], resourceVersion: "11")
        base.services[key(2)] = nil
        base.slices[key(2)] = nil
        let source = CountingSource(base: base)
        #expect(await syncer.sync(keys: [key(1), key(2)], source: source, revision: 12))
        #expect(source.reads.withLock { $0 } == 2)
        let update = proxier.updates.withLock { $0.last! }
        #expect(!update.full)
        #expect(update.changed.map(\.name).sorted() == ["s1", "s2"])
        #expect(changes.last == ProgrammedChange(revision: 12, changed: [key(1): "11"], removed: [key(2)]))
        let programmed = await syncer.programmed
        #expect(programmed.services.count == Self.total - 1)
        #expect(programmed.services[key(1)] == "11")
        #expect(programmed.revision == 12)
    }

    @Test func labelOnlyEditReportsTheNewVersionWithoutSyncingTheProxier() async {
        let (syncer, proxier, loadedSource, changes) = await loaded()
        var source = loadedSource
        var relabelled = Fixtures.service("s3", clusterIP: "127.96.0.4", resourceVersion: "20")
        relabelled.metadata.labels = ["team": "a"]
        source.services[key(3)] = relabelled
        #expect(await syncer.sync(keys: [key(3)], source: source, revision: 20))
        #expect(proxier.updates.withLock { $0.count } == 1)
        #expect(changes.last == ProgrammedChange(revision: 20, changed: [key(3): "20"]))
    }

    @Test func nothingNewReportsNothing() async {
        let (syncer, _, source, changes) = await loaded()
        #expect(await syncer.sync(keys: [key(4)], source: source, revision: 10))
        #expect(changes.count == 1)
        #expect(await syncer.sync(keys: [], source: source, revision: 11))
        #expect(changes.last == ProgrammedChange(revision: 11))
    }

    @Test func aFailedSyncReportsItsServicesOnlyOnceRetriedSuccessfully() async {
        let (syncer, proxier, loadedSource, changes) = await loaded()
        var source = loadedSource
        source.slices[key(5)] = [Fixtures.slice("s5-1", service: "s5", endpoints: [.init(ip: "127.244.9.9")])]
        source.services[key(5)] = Fixtures.service("s5", clusterIP: "127.96.0.6", resourceVersion: "30")
        proxier.failNext.withLock { $0 = true }
        #expect(await syncer.sync(keys: [key(5)], source: source, revision: 30) == false)
        #expect(changes.count == 1)
        #expect(await syncer.programmed.services[key(5)] == "1")
        #expect(await syncer.sync(keys: [], source: source, revision: 30))
        #expect(changes.last == ProgrammedChange(revision: 30, changed: [key(5): "30"]))
    }
}
