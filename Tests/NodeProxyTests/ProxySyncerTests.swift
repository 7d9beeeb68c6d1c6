import NodeProxy
import SkiffAPI
import Synchronization
import Testing

/// Records the updates it is given; fails when told to.
final class RecordingProxier: Proxier {
    let mode = ProxyMode.userspace
    let updates = Mutex<[ProxyUpdate]>([])
    let failNext = Mutex(false)

    func sync(_ update: ProxyUpdate) async throws -> SyncReport {
        updates.withLock { $0.append(update) }
        if failNext.withLock({ fail in defer { fail = false }; return fail }) { throw CancellationError() }
        return SyncReport(servicePorts: update.snapshot.services.count, endpoints: update.snapshot.selectedEndpointCount,
                          rulesWritten: update.changed.count, duration: .zero)
    }

    func shutdown() async {}
}

/// Objects held in dictionaries, standing in for the informers' caches.
struct LiteralSource: ProxySource {
    var services: [ServiceKey: Service] = [:]
    var slices: [ServiceKey: [EndpointSlice]] = [:]
    func service(_ key: ServiceKey) -> Service? { services[key] }
    func slices(of key: ServiceKey) -> [EndpointSlice] { slices[key] ?? [] }
}

struct ProxySyncerTests {
    let web = ServiceKey(namespace: "default", name: "web")
    let http = ServicePortName(namespace: "default", name: "web", port: "http", protocol: .tcp)

    @Test func firstSyncIsFullThenOnlyChangesArePassed() async {
        let proxier = RecordingProxier()
        let syncer = ProxySyncer(nodeName: "n1", proxier: proxier)
        var source = LiteralSource(services: [web: Fixtures.service("web")], slices: [web: [Fixtures.slice("web-1", service: "web", endpoints: [.init(ip: "127.244.1.2")])]])
        #expect(await syncer.sync(keys: [web], source: source, revision: 5))
        source.services[ServiceKey(namespace: "default", name: "db")] = Fixtures.service("db", clusterIP: "127.96.1.2")
        #expect(await syncer.sync(keys: [ServiceKey(namespace: "default", name: "db")], source: source, revision: 6))
        let updates = proxier.updates.withLock { $0 }
        #expect(updates.map(\.full) == [true, false])
        #expect(updates[0].changed == [http])
        #expect(updates[1].changed == [ServicePortName(namespace: "default", name: "db", port: "http", protocol: .tcp)])
        #expect(updates[1].snapshot.services.count == 2)
        let programmed = await syncer.programmed
        #expect(programmed.revision == 6)
        #expect(programmed.services[web] == "1")
    }

    @Test func noChangeCallsNoProxierButAdvancesTheRevision() async {
        let proxier = RecordingProxier()
        let syncer = ProxySyncer(nodeName: "n1", proxier: proxier)
        let source = LiteralSource(services: [web: Fixtures.service("web")])
        _ = await syncer.sync(keys: [web], source: source, revision: 5)
        _ = await syncer.sync(keys: [web], source: source, revision: 9)
        #expect(proxier.updates.withLock { $0.count } == 1)
        #expect(await syncer.programmed.revision == 9)
    }

    @Test func failedSyncKeepsChangesPendingAndMakesTheNextFull() async {
        let proxier = RecordingProxier()
        let syncer = ProxySyncer(nodeName: "n1", proxier: proxier)
        var source = LiteralSource(services: [web: Fixtures.service("web")])
        _ = await syncer.sync(keys: [web], source: source, revision: 1)
        source.slices[web] = [Fixtures.slice("web-1", service: "web", endpoints: [.init(ip: "127.244.1.2")])]
        proxier.failNext.withLock { $0 = true }
        #expect(await syncer.sync(keys: [web], source: source, revision: 2) == false)
        #expect(await syncer.programmed.revision == 1)
        #expect(await syncer.sync(keys: [], source: source, revision: 2))
        let last = proxier.updates.withLock { $0.last! }
        #expect(last.full && last.changed == [http])
        #expect(await syncer.programmed.revision == 2)
    }
}
